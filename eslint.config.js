// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import svelteConfig from './svelte.config.js';

const nodeBuiltins = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'child_process',
  'http',
  'https',
  'net',
  'crypto',
  'url',
  'worker_threads',
  'stream',
  'util',
  'events',
];

/** A layer that runs in plain Node (main/services, main/browser, cli, node): no Electron, no renderer, plus `extra`. */
function nodeLayer(files, ...extra) {
  const patterns = [
    { group: ['electron'], message: 'Runs in plain Node too: no Electron here.' },
    { group: ['**/renderer/**'], message: 'No renderer code in Node.' },
    ...extra,
  ];
  return { files, rules: { 'no-restricted-imports': ['error', { patterns }] } };
}

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: {
        projectService: false,
        extraFileExtensions: ['.svelte'],
        parser: tseslint.parser,
        svelteConfig,
      },
    },
  },
  // Layering: the core is pure (no DOM, Node or Electron), the contract imports nothing,
  // the renderer never reaches into Node, Electron or main/.
  {
    files: ['core/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron', ...nodeBuiltins], message: 'core/ is pure: no Node or Electron.' },
            {
              group: [
                '**/main/**',
                '**/renderer/**',
                '**/preload/**',
                '**/cli/**',
                'svelte',
                'svelte/*',
                '@tensorflow/*',
              ],
              message: 'core/ imports only core/.',
            },
          ],
        },
      ],
    },
  },
  {
    // gpu/: our WGSL programs through tfjs-webgpu. Runs in the renderer and, through Dawn, in Node (CLI, tests).
    files: ['gpu/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['electron', ...nodeBuiltins],
              message: 'gpu/ runs in the renderer too: no Node or Electron.',
            },
            {
              group: ['**/main/**', '**/renderer/**', '**/preload/**', '**/cli/**', 'svelte', 'svelte/*'],
              message: 'gpu/ imports only core/, gpu/ and tfjs.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['ipc/contract.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'ImportDeclaration', message: 'The IPC contract imports nothing.' },
        { selector: 'ImportExpression', message: 'The IPC contract imports nothing.' },
      ],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.svelte'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron', ...nodeBuiltins], message: 'The renderer never imports Node or Electron.' },
            {
              group: ['**/main/**', '**/preload/**', '**/cli/**'],
              message: 'The renderer talks to main only through window.api.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/main/**', '**/renderer/**', '**/cli/**', ...nodeBuiltins],
              message: 'The preload only bridges the contract.',
            },
          ],
        },
      ],
    },
  },
  {
    // Playwright fixtures must destructure their (empty) dependencies.
    files: ['tests/e2e/**/*.ts', 'tests/electron/**/*.ts'],
    rules: { 'no-empty-pattern': 'off' },
  },
  nodeLayer(['main/services/**/*.ts', 'main/browser/**/*.ts'], {
    group: ['**/cli/**'],
    message: 'Node code shared with the CLI lives in node/, not cli/.',
  }),
  // The CLI: plain Node, core/, gpu/ and node/ (the file I/O it shares with main).
  nodeLayer(['cli/**/*.ts'], {
    group: ['**/main/**', '**/preload/**'],
    message: 'cli/ never imports main/: Node code shared with main lives in node/.',
  }),
  // node/: file I/O shared by the CLI and main/services. Plain Node and core/ only.
  nodeLayer(['node/**/*.ts'], {
    group: ['**/main/**', '**/preload/**', '**/cli/**', '**/gpu/**'],
    message: 'node/ imports only core/ and node/.',
  }),
);
