// Engine tests (`npm run test:engine`): the real dockerd/buildx/QEMU/registry of test/engine/engine-up.sh.
import base from './jest.config.js';
/** @type {import('jest').Config} */
export default {
  ...base,
  testMatch: ['<rootDir>/__tests__/engine/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 30 * 60 * 1000,
};
