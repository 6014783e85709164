/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // test/ops runs on its own, serially: jest.serial.config.js.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/ops/'],
  transform: {
    // Type checking is `npm run typecheck`'s job; tests only need the code transpiled.
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
};
