'use strict';

module.exports = function (Customer) {
  Customer.validatesFormatOf('email', {
    with: /^[^@\s]+@[^@\s]+\.[^@\s]+$/,
    message: 'is not a valid email',
  });
  Customer.validatesUniquenessOf('email');
  Customer.validatesInclusionOf('tier', { in: ['standard', 'gold'] });

  // An operation hook: emails are stored lower-case whichever write path is used.
  Customer.observe('before save', async function normalizeEmail(ctx) {
    const target = ctx.instance || ctx.data;
    if (target && typeof target.email === 'string') target.email = target.email.trim().toLowerCase();
  });
};
