'use strict';

module.exports = function (Wishlist) {
  // A wishlist created over REST belongs to the signed-in account, whatever the body says.
  Wishlist.observe('before save', function (ctx, next) {
    const token = ctx.options && ctx.options.accessToken;
    if (ctx.isNewInstance && ctx.instance && token && token.userId !== undefined) {
      ctx.instance.ownerAccountId = token.userId;
    }
    next();
  });
};
