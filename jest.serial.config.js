/**
 * Tests that run real app processes, cut or restart the database servers, kill processes or soak:
 * one at a time (`--runInBand`), after the main suite, so they neither flake nor disturb it.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/ops'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
};
