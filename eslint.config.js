// Lint keeps the layers honest: code under renderer/src/domain and sync/schema
// runs anywhere (renderer, Electron main, county CLI, Node tests), so it may not
// import a UI framework, a database, Electron or a chart library.
import tseslint from 'typescript-eslint';

const IMPURE = ['vue', 'vue-*', 'pinia', 'pouchdb*', 'dexie', 'electron', 'chart.js', 'vue-chartjs', 'playwright-core', 'node:*', 'fs', 'path'];

export default tseslint.config(
  // sync/couchdb/**/*.js are CouchDB function expressions (ES5), not modules: they are
  // exercised in node:vm by sync/couchdb/ddocs.test.ts instead.
  { ignores: ['dist/**', 'dist-electron/**', 'release/**', 'node_modules/**', 'test-results/**', '.scratch/**', '**/*.vue', 'sync/couchdb/**/*.js'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/no-namespace': 'off',
    },
  },
  // CommonJS preloads (sync/couchdb/standin-fixes.cjs) load with require, by definition.
  { files: ['**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  {
    files: ['renderer/src/domain/**/*.ts', 'sync/schema/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: IMPURE, message: 'domain/ and sync/schema/ are pure: no UI, database, Electron or chart imports (see CONVENTIONS.md).' },
            { group: ['**/storage/**', '**/features/**', '**/ui/**', '**/app/**'], message: 'domain/ and sync/schema/ may not depend on renderer layers above them.' },
          ],
        },
      ],
    },
  },
);
