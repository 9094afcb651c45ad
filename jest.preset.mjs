/**
 * Shared jest 30 configuration (ESM mode). Each package's jest.config.mjs spreads it.
 * Tests run on the TypeScript sources through the `@bedrock-batch/source` export condition,
 * transformed by @swc/jest; `tsc --noEmit` type-checks them separately. Each test file runs with
 * a temporary folder of its own, removed afterwards (see jest.environment.mjs).
 */
export const preset = {
  testEnvironment: '<rootDir>/../../jest.environment.mjs',
  // jest's transform cache stays in the workspace, not in the OS temporary folder.
  cacheDirectory: '<rootDir>/../../node_modules/.cache/jest',
  testEnvironmentOptions: {
    customExportConditions: ['@bedrock-batch/source', 'node', 'node-addons'],
  },
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
        module: { type: 'es6' },
      },
    ],
  },
  testMatch: ['<rootDir>/tests/**/*.test.ts'],
  setupFiles: ['<rootDir>/../../jest.setup.mjs'],
};
