/**
 * Tests that spawn app processes, cut or restart the real database servers, or soak: run alone
 * (`--runInBand`), after the main suite, so their timings and outages disturb nothing else.
 */
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: ['**/test/serial/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
};
