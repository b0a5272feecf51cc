import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {CcxError, EXIT} from '../errors.js'
import type {Store} from '../store/store.js'
import {sqlString} from '../store/values.js'
import {csvSafe} from '../format/safe.js'

/** RFC 4180 CSV: quote fields with comma, quote or newline; dates as "YYYY-MM-DD HH:MM:SS"; nulls empty. */
export function toCsv(rows: Record<string, unknown>[], columns?: string[]): string {
  const cols = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))]
  const cell = (v: unknown): string => {
    if (v === null || v === undefined) return ''
    let s: string
    if (v instanceof Date) s = v.toISOString().replace('T', ' ').slice(0, 19)
    else if (typeof v === 'object') s = JSON.stringify(v)
    else s = typeof v === 'string' ? csvSafe(v) : String(v)
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
  }
  return [cols.map(cell).join(','), ...rows.map((r) => cols.map((c) => cell(r[c])).join(','))].join('\n') + '\n'
}

export type TableFormat = 'csv' | 'parquet' | 'arrow'

export function tableFormatOf(path: string): TableFormat {
  const lower = path.toLowerCase()
  if (lower.endsWith('.csv')) return 'csv'
  if (lower.endsWith('.parquet')) return 'parquet'
  if (lower.endsWith('.arrow') || lower.endsWith('.ipc') || lower.endsWith('.feather')) return 'arrow'
  throw new CcxError(`cannot tell the table format of ${path}: use a name ending in .csv, .parquet or .arrow`, {code: 'OUT_FORMAT', exit: EXIT.usage})
}

function plainForJson(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Date ? v.toISOString().replace('T', ' ').slice(0, 19) : v])))
}

/** Writes report rows to CSV, Parquet (DuckDB COPY) or Arrow IPC (apache-arrow), by the file's extension. */
export async function writeTableFile(rows: Record<string, unknown>[], path: string, store?: Store): Promise<void> {
  const format = tableFormatOf(path)
  mkdirSync(dirname(path), {recursive: true})
  if (format === 'csv') {
    writeFileSync(path, toCsv(rows))
    return
  }
  if (format === 'arrow') {
    const arrow = await import('apache-arrow')
    const table = arrow.tableFromJSON(plainForJson(rows) as never)
    writeFileSync(path, arrow.tableToIPC(table, 'file'))
    return
  }
  // Parquet through DuckDB: rows → NDJSON → read_json (types inferred) → COPY
  const tmp = mkdtempSync(join(tmpdir(), 'ccx-out-'))
  try {
    const json = join(tmp, 'rows.ndjson')
    writeFileSync(json, plainForJson(rows).map((r) => JSON.stringify(r)).join('\n') + '\n')
    let own: Store | undefined
    const db = store ?? (own = await (await import('../store/store.js')).Store.open(':memory:', {skipMigrations: true}))
    try {
      const source = rows.length ? `read_json(${sqlString(json)}, format = 'newline_delimited')` : '(select 1 as empty where false)'
      await db.run(`copy (select * from ${source}) to ${sqlString(path)} (format parquet)`)
    } finally {
      if (own) await own.close()
    }
  } finally {
    rmSync(tmp, {recursive: true, force: true})
  }
}
