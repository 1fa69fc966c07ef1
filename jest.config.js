// `npm test`: every layer that runs without a build engine, as jest projects (docs/architecture.md
// says what each proves). The engine layer needs root, a running dockerd and minutes: it is
// jest.engine.config.js (`npm run test:engine`).
export const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  testTimeout: 60000,
};
const layer = (name, extra = {}) => ({ ...common, displayName: name, testMatch: [`<rootDir>/__tests__/${name}/**/*.test.ts`], ...extra });

/** @type {import('jest').Config} */
export default {
  verbose: false,
  projects: [
    // pure functions and the workspace reader, in-process
    layer('unit'),
    // dist/index.js run as the runner runs it, docker a recorder; dist/ rebuilt first when stale
    layer('bundle', { globalSetup: '<rootDir>/__tests__/helpers/fresh-bundle.mjs' }),
    // real collaborators without an engine: @actions/cache against the emulator + Azurite, the
    // image's shell scripts on real ELF files under dash and busybox
    layer('integration'),
    // the repository's own tooling: workflows, release script, shellcheck, lint rules
    layer('tooling'),
  ],
};
