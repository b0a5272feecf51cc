// Bundles @duckdb/node-api (≈180 small CommonJS files) into one file, dist/vendor/duckdb-node-api.cjs, which
// src/store/store.ts loads in its place: resolving, reading and wrapping each file cost ~70 ms of CPU in every command
// that opens the database (a report's fixed cost, docs/scale.md "Report CLI overhead"); one file costs ~30 ms. The
// native bindings stay an ordinary require. Same package, same version: the bundle is rebuilt from node_modules by
// every build.
import {build} from 'esbuild'

await build({
  entryPoints: ['node_modules/@duckdb/node-api/lib/index.js'],
  outfile: 'dist/vendor/duckdb-node-api.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['@duckdb/node-bindings'],
  legalComments: 'inline',
  logLevel: 'warning',
})
