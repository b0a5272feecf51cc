import {createHash} from 'node:crypto'
import {readFileSync, writeFileSync} from 'node:fs'
import {Store} from '../../src/store/store.js'

/** Every table and view the incremental pipelines publish (what reports read), compared row by row. */
export const PUBLISHED = [
  'events',
  'sessions',
  'event_sessions',
  'visitors',
  'session_sources',
  'session_places',
  'session_devices',
  'session_intents',
  'mart_sessions',
  'mart_funnel_steps',
  'scenario_matches',
  'session_outcomes',
  'customers',
  'customer_ids',
  'identity_blocked',
  'identity_named',
]

/** Records (a CSV/TSV row, kept whole when a quoted field spans lines, or an NDJSON line) of a data file. */
function records(text: string): {header?: string; rows: string[]} {
  const lines = text.split('\n')
  if (lines.at(-1) === '') lines.pop()
  const csv = !lines[0]?.startsWith('{')
  const rows: string[] = []
  let open = ''
  for (const line of lines.slice(csv ? 1 : 0)) {
    open = open ? `${open}\n${line}` : line
    // an odd number of quotes: the record goes on on the next line
    if (csv && (open.match(/"/g)?.length ?? 0) % 2 === 1) continue
    rows.push(open)
    open = ''
  }
  return {header: csv ? lines[0] : undefined, rows}
}

/**
 * Splits a data file in two by a hash of each record: `share` of them (about) go to the second file. Records of one
 * visitor land on both sides, so the second batch brings late events into sessions the first already closed, earlier
 * sessions before known ones, and new visitors.
 */
export function splitFile(path: string, first: string, second: string, share: number, salt = 'late'): {first: number; second: number} {
  const {header, rows} = records(readFileSync(path, 'utf8'))
  const a: string[] = []
  const b: string[] = []
  for (const row of rows) {
    const h = createHash('sha1').update(salt).update(row).digest().readUInt32BE(0) / 2 ** 32
    ;(h < share ? b : a).push(row)
  }
  const write = (file: string, part: string[]) => writeFileSync(file, (header ? [header, ...part] : part).join('\n') + '\n')
  write(first, a)
  write(second, b)
  return {first: a.length, second: b.length}
}

export interface TableDiff {
  table: string
  rowsA: number
  rowsB: number
  onlyA: number
  onlyB: number
}

/** Row-by-row comparison (EXCEPT ALL both ways) of the published tables of two database files. */
export async function compareDatabases(a: string, b: string, tables = PUBLISHED): Promise<TableDiff[]> {
  const store = await Store.open(':memory:', {skipMigrations: true})
  try {
    await store.run(`attach '${a}' as a (read_only); attach '${b}' as b (read_only)`)
    const out: TableDiff[] = []
    for (const t of tables) {
      const n = (sql: string) => store.scalar<number>(`select count(*)::BIGINT from (${sql})`)
      out.push({
        table: t,
        rowsA: await n(`select * from a.${t}`),
        rowsB: await n(`select * from b.${t}`),
        onlyA: await n(`select * from a.${t} except all select * from b.${t}`),
        onlyB: await n(`select * from b.${t} except all select * from a.${t}`),
      })
    }
    return out
  } finally {
    await store.close()
  }
}
