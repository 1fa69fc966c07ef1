// The engine layer (`npm run test:engine`): the bundled action against the real dockerd/buildx/QEMU/
// registry of test/engine/engine-up.sh. One file at a time (--runInBand): they share one engine.
import { common } from './jest.config.js';
/** @type {import('jest').Config} */
export default {
  ...common,
  displayName: 'engine',
  testMatch: ['<rootDir>/__tests__/engine/**/*.test.ts'],
  globalSetup: '<rootDir>/__tests__/helpers/fresh-bundle.mjs',
  testTimeout: 30 * 60 * 1000,
};
