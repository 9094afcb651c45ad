/**
 * Shared jest 30 configuration (ESM mode). Each package's jest.config.mjs spreads it.
 * Tests run on the TypeScript sources through the `@bedrock-batch/source` export condition,
 * transformed by @swc/jest; `tsc --noEmit` type-checks them separately.
 */
export const preset = {
  testEnvironment: 'node',
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
