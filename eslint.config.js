import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The pure layers (docs/architecture.md): inputs, plan, meta (tags/labels) and the cache key and
 * cache-argument modules compute from values only. They may not talk to the runner (@actions/*),
 * to processes or the disk (node:fs, node:child_process, execute/), and may take only TYPES from
 * read/ (what was read from disk is handed to them). __tests__/tooling/lint-rules.test.ts shows
 * the rule firing.
 */
export const PURE_FILES = ['src/plan/**/*.ts', 'src/meta/**/*.ts', 'src/cache/**/*.ts', 'src/inputs.ts', 'src/parse-inputs.ts', 'src/parse.ts', 'src/errors.ts'];
const pureImports = {
  patterns: [
    { regex: '^@actions/', message: 'Pure planning code does not talk to the runner: return values, and let execute/ or report/ call @actions/*.' },
    { regex: '(^|/)execute/', message: 'Pure planning code may not import execute/ (process and service code): the dependency points the other way.' },
    { regex: '^(node:)?(fs|fs/promises|child_process)$', message: 'Pure planning code does not touch the disk or processes: read in src/read/ and pass the values in.' },
    { regex: '(^|/)read/', allowTypeImports: true, message: 'Pure planning code takes only types from read/: the caller reads, the plan computes.' },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '**/run/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      'no-empty': ['error', { allowEmptyCatch: false }],
      'no-console': 'off',
    },
  },
  {
    files: PURE_FILES,
    rules: { '@typescript-eslint/no-restricted-imports': ['error', pureImports] },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', fetch: 'readonly', AbortController: 'readonly' } },
  },
);
