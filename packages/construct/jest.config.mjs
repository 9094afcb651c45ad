import { preset } from '../../jest.preset.mjs';

/**
 * The construct is a CommonJS package (jsii emits CommonJS; its code finds its Lambda bundles
 * through `__dirname`), so its tests run in jest's CommonJS mode: @swc/jest compiles the
 * TypeScript sources and tests to CommonJS.
 */
export default {
  ...preset,
  displayName: 'construct',
  extensionsToTreatAsEsm: [],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
        module: { type: 'commonjs' },
      },
    ],
  },
};
