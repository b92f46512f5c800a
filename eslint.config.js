/**
 * Lint for the whole repository (`npm run lint`, part of `npm test`): @eslint/js and typescript-eslint
 * recommended, and the layering of the tree as import zones — a file that imports across a boundary fails the
 * lint, the way VolView's eslint.config.js guards its feature folders. The layers, bottom to top:
 *
 *   contract/    wire schemas shared by server and client: imports zod and nothing else
 *   evaluator/   the metrics and their I/O: imports nothing from server/, client/, seed/, bench/, test/, bin/
 *   ranking/     the ranking statistics over score tables: imports nothing of the platform
 *   client/      the browser app: client/, contract/ and the evaluator's pure parts only (no node: built-ins)
 *   server/      API, jobs, intake: never seed/, bench/, test/, client/, bin/; the evaluator through its index.ts;
 *                server/jobs (the job lifecycle) below the features, server/worker (the job handlers) above them
 *   seed/        the demo: server/ only through its public surface, server/platform-api.ts
 *   bench/, test/, bin/   may import anything
 *
 * No cycles: import-x/no-cycle between files; test/structure/folder-graph.test.ts between folders.
 */
import { readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import { importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** Node's built-in modules, with and without the `node:` prefix. */
const NODE_BUILTINS = { regex: `^(node:.*|${builtinModules.map((m) => m.replace(/[/]/g, '\\/')).join('|')})$` };

/** The evaluator's pure parts, which the browser bundles: typed arrays in, numbers out, no file system. */
const PURE_EVALUATOR = ['./volume', './kernels', './metrics', './io/image-volume.ts', './io/check-geometry.ts'];

/** The server's wiring: entry points and factories above the feature folders, which never import them back. */
const SERVER_WIRING = [
  'server/main.ts',
  'server/platform.ts',
  'server/platform-api.ts',
  'server/app.ts',
  'server/worker-main.ts',
];

/** Every folder of server/. */
const SERVER_FOLDERS = readdirSync(new URL('./server/', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => `server/${entry.name}`);

/** The server's feature folders, which the job lifecycle (server/jobs) sits below: they call it, it never calls them. */
const SERVER_FEATURES = ['auth', 'challenges', 'teams', 'submissions', 'intake', 'models', 'leaderboards', 'review', 'viewer', 'releases', 'worker', 'http'].map((f) => `server/${f}`);
const zone = (target, from, message, except) => ({ target, from, message, ...(except ? { except } : {}) });

export default defineConfig([
  globalIgnores(['dist/', 'node_modules/', 'test-output/', '.carina/', 'bench-out/', '**/*.d.ts']),

  js.configs.recommended,
  tseslint.configs.recommended,

  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: {
        // Node 20 and browser globals the code uses; TypeScript checks the real types (tsconfig.json)
        console: 'readonly',
        process: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        performance: 'readonly',
        fetch: 'readonly',
      },
    },
    rules: {
      // TypeScript already reports undefined names, with the real globals of each tsconfig (node, DOM)
      'no-undef': 'off',
      // `_name` marks a parameter kept for its position (Express error handlers, callbacks)
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // `catch {}` and `.catch(() => undefined)` are deliberate where a failure changes nothing (cleanup)
      'no-empty': ['error', { allowEmptyCatch: true }],
      // the kernels use `while (true)` loops with inner breaks, as the algorithms they cite are written
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },

  // the layering, as import zones (paths are relative to the repository root)
  {
    plugins: { 'import-x': importX },
    settings: {
      // imports name their files with the extension (`./rows.ts`), so Node's resolution finds them as they are
      'import-x/resolver-next': [importX.createNodeResolver({ extensions: ['.ts', '.mts', '.js', '.mjs'] })],
      // no-cycle reads the imported files too: parse them as TypeScript
      'import-x/extensions': ['.ts', '.mts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.mts'] },
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            zone('contract', ['server', 'client', 'evaluator', 'seed', 'bench', 'test', 'bin'], 'contract/ is the bottom layer: it imports only zod.'),
            zone('evaluator', ['server', 'client', 'seed', 'bench', 'test', 'bin', 'ranking'], 'the evaluator stands alone: it imports nothing from the platform.'),
            zone('ranking', ['server', 'client', 'evaluator', 'contract', 'seed', 'bench', 'test', 'bin'], 'the ranking statistics stand alone: pure functions over score tables.'),
            zone('client', 'server', 'the client talks to the server over HTTP only: import the contract (contract/) instead.'),
            zone('client', ['seed', 'bench', 'test', 'bin'], 'the client bundles only client/, contract/ and the pure evaluator code.'),
            zone('client', 'evaluator', 'the client may import only the pure evaluator code (volume, kernels, metrics, io/image-volume, io/check-geometry).', PURE_EVALUATOR),
            zone('server', ['seed', 'bench', 'test', 'client', 'bin'], 'the server never depends on the demo, benchmarks, tests, the client or the CLI: pass a hook instead.'),
            zone('server', 'evaluator', 'the server uses the evaluator through its public surface, evaluator/index.ts.', ['./index.ts']),
            zone('server/*/**', SERVER_WIRING, 'feature folders never import the wiring above them (entry points, app factory, public surface).'),
            zone('server/jobs', SERVER_FEATURES, 'the job lifecycle (queue, enqueue, transitions, status writer) sits below the features that call it.'),
            zone('server/worker', ['server/intake', 'server/http', 'server/releases'], 'the worker side never handles uploads, downloads or HTTP requests.'),
            zone(SERVER_FOLDERS.filter((f) => f !== 'server/worker'), 'server/worker', 'only the entry points start the worker (server/worker-main.ts, server/runtime.ts).'),
            zone('seed', 'server', 'the seed drives the platform through its public surface only: server/platform-api.ts.', ['./platform-api.ts']),
            zone('seed', ['bench', 'test', 'client'], 'the seed does not depend on benchmarks, tests or the client.'),
          ],
        },
      ],
    },
  },

  // tests and benchmarks read JSON whose shape they then assert: an explicit `any` there says "unchecked here"
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },

  // contract/: zod only — no Node built-ins, no other package
  {
    files: ['contract/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(?!zod$|\\.{1,2}/)', message: 'contract/ imports only zod (and its own files).' }] }],
    },
  },

  // the browser bundle and the pure evaluator code it bundles: no Node built-ins
  {
    files: ['client/**/*.ts', 'evaluator/volume/**/*.ts', 'evaluator/kernels/**/*.ts', 'evaluator/metrics/**/*.ts', 'evaluator/io/image-volume.ts', 'evaluator/io/check-geometry.ts'],
    ignores: ['client/build.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ ...NODE_BUILTINS, message: 'runs in the browser: no Node built-ins.' }] }],
    },
  },
]);
