'use strict';

module.exports = function (Order) {
  Order.validatesInclusionOf('status', { in: ['new', 'paid', 'shipped', 'cancelled'] });

  // A remote hook: the response of a create says where the new order lives.
  Order.afterRemote('create', function (ctx, order, next) {
    ctx.res.set('Location', `${ctx.req.baseUrl}/${order.id}`);
    next();
  });
};
