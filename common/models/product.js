'use strict';

module.exports = function (Product) {
  Product.validatesNumericalityOf('price');

  Product.discount = async function (id, percent) {
    if (percent < 0 || percent > 100) {
      const err = new Error('percent must be between 0 and 100');
      err.statusCode = 400;
      err.code = 'INVALID_DISCOUNT';
      throw err;
    }
    const product = await Product.findById(id);
    if (!product) {
      const err = new Error(`Unknown "Product" id "${id}".`);
      err.statusCode = 404;
      err.code = 'MODEL_NOT_FOUND';
      throw err;
    }
    return Math.round(product.price * (100 - percent)) / 100;
  };
};
