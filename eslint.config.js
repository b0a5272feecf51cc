// Lint: typescript-eslint's recommended rules, prettier for layout, and the import rules that keep the layers
// pointing downwards: commands → services/reports → pipelines → store, with enrich/ and scenarios/ pure.
import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import tseslint from 'typescript-eslint'

/** Folders of src/ and what each may not import (static `import` and dynamic `import()` alike). */
const LAYERS = {
  // pure: no database, no I/O-heavy layers, no CLI
  enrich: ['store', 'pipelines', 'reports', 'commands', 'cli', 'ingest', 'serve', 'ops', 'service', 'telesales', 'charts', '@duckdb'],
  scenarios: ['store', 'pipelines', 'reports', 'commands', 'cli', 'ingest', 'serve', 'ops', 'service', 'telesales', 'charts', '@duckdb'],
  stats: ['store', 'pipelines', 'reports', 'commands', 'cli', 'ingest', 'serve', 'ops', 'config', '@duckdb'],
  // vocabularies: a leaf every layer may import (zod only)
  vocab: [
    'store',
    'pipelines',
    'reports',
    'commands',
    'cli',
    'ingest',
    'serve',
    'ops',
    'config',
    'enrich',
    'scenarios',
    'service',
    'telesales',
    'charts',
    '@duckdb',
  ],
  store: ['pipelines', 'reports', 'commands', 'cli', 'ingest', 'serve', 'ops', 'service', 'telesales', 'charts', 'config'],
  config: ['ops', 'store', 'pipelines', 'reports', 'commands', 'cli', 'ingest', 'serve', 'service', 'telesales', 'charts'],
  pipelines: ['reports', 'commands', 'cli', 'serve', 'ops', 'charts'],
  ingest: ['serve', 'reports', 'commands', 'cli', 'ops', 'charts', 'pipelines'],
  // reports read the store; the runner in src/cli opens it, checks freshness and runs pipelines for them
  reports: ['commands', 'cli', 'pipelines', 'ops', 'serve', 'ingest'],
  // shared by the pipelines that build marts and the reports that read them
  marts: ['pipelines', 'reports', 'commands', 'cli', 'ingest', 'serve', 'ops', 'charts'],
  // render only: a leaf
  charts: ['store', 'pipelines', 'reports', 'marts', 'commands', 'cli', 'ingest', 'serve', 'ops', 'config', 'telesales', '@duckdb'],
  cli: ['commands'],
  serve: ['commands', 'cli', 'reports', 'pipelines', 'ops'],
  // how output is shown (sanitisers for tables, CSV, ccx top; number formats): a leaf
  format: ['store', 'pipelines', 'reports', 'marts', 'commands', 'cli', 'ingest', 'serve', 'ops', 'config', 'privacy', 'charts', '@duckdb'],
  // what is stored of visitors: pure (enrich's IP lookup and the contact rules of ingest/contacts.ts), no database
  privacy: ['store', 'pipelines', 'reports', 'commands', 'cli', 'serve', 'ops', 'charts', '@duckdb'],
  ops: ['commands', 'cli'],
  // the ClickHouse warehouse: publishes from the store, queried by the reports' --warehouse paths
  warehouse: ['commands', 'cli', 'pipelines', 'reports', 'serve', 'ops', 'charts'],
  // the FAQ bot's matcher is built from KB rows and runs in serve: no database, no CLI
  // questionnaires and their statistics: pure (files are read by load.ts only), no database
  surveys: ['store', 'pipelines', 'reports', 'commands', 'cli', 'ingest', 'serve', 'ops', '@duckdb'],
  'selfservice/bot': ['store', 'pipelines', 'reports', 'commands', 'cli', 'ingest', 'serve', 'ops', '@duckdb'],
}

function restrictions(folder, banned) {
  const patterns = banned.map((b) => (b.startsWith('@') ? `${b}/*` : `**/${b}/**`))
  // esquery regexes end at the first '/', so the slash is written \x2F
  const regex = banned.map((b) => (b.startsWith('@') ? `^${b}\\x2F` : `\\x2F${b}\\x2F`)).join('|')
  const message = `src/${folder} may not import ${banned.join(', ')} (docs/architecture.md: layers)`
  return {
    files: [`src/${folder}/**/*.ts`, `src/${folder}/**/*.tsx`],
    rules: {
      'no-restricted-imports': ['error', {patterns: [{group: patterns, message}]}],
      'no-restricted-syntax': ['error', {selector: `ImportExpression[source.value=/${regex}/]`, message}],
    },
  }
}

export default tseslint.config(
  {ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'demo/**', 'reports/**', 'bench/out/**', 'src/serve/assets/**']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        performance: 'readonly',
        fetch: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        queueMicrotask: 'readonly',
        structuredClone: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none'}],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', {fixStyle: 'inline-type-imports', disallowTypeAnnotations: false}],
      'no-console': ['error', {allow: ['error', 'warn']}],
      eqeqeq: ['error', 'smart'],
      'prefer-const': 'error',
    },
  },
  ...Object.entries(LAYERS).map(([folder, banned]) => restrictions(folder, banned)),
  {
    // commands print through oclif (this.log); scripts, benches and tests may use the console
    files: ['bench/**', 'scripts/**', 'test/**', 'bin/**', 'fixtures/generator/build-*.js', 'src/serve/assets/**'],
    rules: {'no-console': 'off', '@typescript-eslint/no-explicit-any': 'off'},
  },
  prettier,
)
