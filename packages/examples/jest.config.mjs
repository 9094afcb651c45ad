import { preset } from '../../jest.preset.mjs';

// End-to-end tests run whole workflows on the local runtime: give them time.
export default { ...preset, displayName: 'examples', testTimeout: 120_000 };
