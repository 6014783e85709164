'use strict';

module.exports = function (Review) {
  Review.validatesNumericalityOf('rating', { int: true });
  Review.validate(
    'rating',
    function (err) {
      if (this.rating < 1 || this.rating > 5) err();
    },
    { message: 'must be between 1 and 5' },
  );
};
