// Lint enforces the layers (style.md §b.5) as an allow-list (electron/tools/eslint-layers.mjs):
// shared/ imports only itself and zod; the renderer only react, react-dom, zod and shared/;
// services never Electron; dynamic imports are checked like static ones. Only the preload and
// the IPC router may touch raw IPC.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import layers from './electron/tools/eslint-layers.mjs';


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
    // The layers as an allow-list: electron/tools/eslint-layers.mjs says who may import what.
    files: ['shared/**/*.ts', 'renderer/**/*.{ts,tsx}', 'electron/**/*.ts'],
    plugins: { closeout: layers },
    rules: { 'closeout/layers': 'error' },
  },
  {
    // shared/ runs everywhere: ECMAScript's globals only, none of Node's or the browser's.
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        ...['Buffer', 'process', 'global', 'require', 'module', 'exports', '__dirname', '__filename', 'setImmediate', 'clearImmediate', 'window', 'document', 'navigator', 'localStorage', 'fetch'].map((name) => ({
          name,
          message: 'shared/ is pure and runs everywhere: ECMAScript globals only.',
        })),
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Raw IPC lives in two files only; everything else goes through the contract.
    files: ['electron/**/*.ts'],
    ignores: ['electron/preload/index.ts', 'electron/main/ipc-router.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "ImportSpecifier[imported.name=/^ipc(Main|Renderer)$/]", message: 'Use the typed contract (ipc-router / preload), not raw IPC.' },
        { selector: "MemberExpression[property.name=/^ipc(Main|Renderer)$/]", message: 'Use the typed contract (ipc-router / preload), not raw IPC.' },
      ],
    },
  },
  {
    files: ['electron/tools/**/*.mjs', 'bin/**/*.js', 'tests/**/*.ts', 'tests/**/*.mjs', 'electron/cli/main.ts', 'electron/devhost/index.ts', 'electron/bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);
