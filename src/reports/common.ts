// Helpers every report family uses (the date range is parsed once, in ./range.ts).
import {CcxError, EXIT} from '../errors.js'
import type {Store} from '../store/store.js'
import {sqlString} from '../store/values.js'

/** Fails with a pointer to `ccx run` when the intermediate tables a report reads are not built yet. */
export async function requireTables(store: Store, tables: string[]): Promise<void> {
  for (const table of tables) {
    if (!(await store.tableExists(table))) {
      throw new CcxError(`table ${table} does not exist in ${store.path}: reports read the normalized tables`, {
        code: 'NO_TABLE',
        exit: EXIT.failure,
        suggestions: ['Load data with `ccx ingest …`, then build the tables with `ccx run`.'],
      })
    }
  }
}

export function siteFilter(site: string | undefined, column = 'site', nullable = false): string {
  if (!site) return 'true'
  return nullable ? `(${column} = ${sqlString(site)} or ${column} is null)` : `${column} = ${sqlString(site)}`
}

/** DuckDB refuses named parameters the statement does not use: keep only the `$name`s that appear in `sql`. */
export function usedParams(sql: string, params: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).filter(([k]) => new RegExp(`\\$${k}\\b`).test(sql)))
}
