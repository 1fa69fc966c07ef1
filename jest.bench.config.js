// `npm run bench`: real Rust through the bundled action on the engine (__tests__/bench/), printing one
// line per scenario. A benchmark, not a test suite: no timing is asserted (docs/performance.md).
import base from './jest.config.js';
/** @type {import('jest').Config} */
export default {
  ...base,
  testMatch: ['<rootDir>/__tests__/bench/**/*.bench.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 60 * 60 * 1000,
};
