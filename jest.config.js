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
  // As `loopline/register` at run time: the LB3 packages the tests load (components, connectors)
  // and LB3-style app folders `require('loopback')` and `require('loopback-boot')`.
  moduleNameMapper: {
    '^loopback$': '<rootDir>/src/index.ts',
    '^loopback-boot$': '<rootDir>/src/boot/index.ts',
  },
};
