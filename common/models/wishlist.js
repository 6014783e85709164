'use strict';

module.exports = function (Wishlist) {
  // A wishlist created over REST belongs to the signed-in account. (A body naming another
  // account as owner never gets here: loopline refuses it first, 400 PROPERTY_NOT_WRITABLE.)
  Wishlist.observe('before save', function (ctx, next) {
    const token = ctx.options && ctx.options.accessToken;
    if (ctx.isNewInstance && ctx.instance && token && token.userId !== undefined) {
      ctx.instance.ownerAccountId = token.userId;
    }
    next();
  });
};
