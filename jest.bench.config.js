// `npm run bench`: real Rust through the bundled action on the engine (__tests__/bench/), printing one
// line per scenario. A benchmark, not a test layer: no timing is asserted (docs/performance.md).
import { common } from './jest.config.js';
/** @type {import('jest').Config} */
export default {
  ...common,
  displayName: 'bench',
  testMatch: ['<rootDir>/__tests__/bench/**/*.bench.ts'],
  globalSetup: '<rootDir>/__tests__/helpers/fresh-bundle.mjs',
  testTimeout: 60 * 60 * 1000,
};
