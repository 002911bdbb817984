// Lint enforces the layers (style.md §b.5): shared/ runs everywhere, so it imports neither
// Electron nor Node; services run under plain Node, so they never import Electron; only the
// preload and the IPC router may touch raw IPC.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

const restrict = (paths, patterns, message) => ({
  'no-restricted-imports': [
    'error',
    {
      paths: paths.map((name) => ({ name, message })),
      patterns: patterns.map((group) => ({ group: [group], message })),
    },
  ],
});

export default tseslint.config(
  { ignores: ['out/**', 'release/**', 'node_modules/**', '.native/**', 'coverage/**', '.closeout-dev/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
      'no-console': 'error',
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: restrict(
      ['electron', ...nodeBuiltins],
      ['node:*', '**/electron/**', '**/renderer/**'],
      'shared/ is pure and runs in the renderer too: no Electron, no Node APIs, no app layers.',
    ),
  },
  {
    files: ['electron/services/**/*.ts', 'electron/backend/**/*.ts', 'electron/cli/**/*.ts', 'electron/devhost/**/*.ts'],
    rules: restrict(['electron'], ['**/main/**', '**/preload/**', '**/renderer/**'], 'Services run under plain Node: they never import Electron or the shell.'),
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: restrict(
      ['electron', ...nodeBuiltins],
      ['node:*', '**/electron/**'],
      'The renderer talks to the backend only through the typed client (renderer/src/api).',
    ),
  },
  {
    // Raw IPC lives in two files only; everything else goes through the contract.
    files: ['electron/**/*.ts'],
    ignores: ['electron/preload/index.ts', 'electron/main/ipc-router.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "ImportSpecifier[imported.name=/^ipc(Main|Renderer)$/]", message: 'Use the typed contract (ipc-router / preload), not raw IPC.' },
      ],
    },
  },
  {
    files: ['electron/tools/**/*.mjs', 'bin/**/*.js', 'tests/**/*.ts', 'tests/**/*.mjs', 'electron/cli/main.ts', 'electron/devhost/index.ts', 'electron/bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);
