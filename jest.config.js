/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // test/serial runs on its own, in band: `jest -c jest.serial.config.js --runInBand`.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/serial/'],
  transform: {
    // Type checking is `npm run typecheck`'s job; tests only need the code transpiled.
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
};
