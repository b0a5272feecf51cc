// Small helpers shared by the overview, sources, geo, exits, journey, attribution and heatmap reports.
import {readSql, renderSql, type Store} from '../../store/store.js'
import {siteFilter} from '../common.js'
import {presentReport, type PresentOptions} from '../present.js'

/** The `steps` and `session_outcomes` CTEs of steps.sql for one site (or all). */
export function stepsCte(site?: string): string {
  return renderSql(readSql(import.meta.url, 'steps.sql'), {
    site_filter: siteFilter(site),
    site_filter_nullable: siteFilter(site, 'site', true),
  })
}

/** The classified intent of each session: the most confident label; sessions without one get '(unclassified)'. */
export async function intentsSubquery(store: Store): Promise<string> {
  return (await store.tableExists('session_intents'))
    ? '(select session_id, arg_max(intent, confidence) as intent from session_intents group by session_id)'
    : '(select null::VARCHAR as session_id, null::VARCHAR as intent where false)'
}

export interface TitledRows {
  title: string
  rows: Record<string, unknown>[]
  columns?: string[]
}

/**
 * Like presentReport, for reports with several tables: each is printed under its title on a TTY; CSV,
 * --out and --json get the flat `rows` (every table's rows with a column naming the table).
 */
export async function presentTables(tables: TitledRows[], flat: Record<string, unknown>[], chart: (() => object) | undefined, options: PresentOptions): Promise<void> {
  if (!options.json && !options.csv) {
    const {formatTable} = await import('../../cli/table.js')
    for (const t of tables) options.log(`\n${t.title}\n${formatTable(t.rows, t.columns)}`)
  }
  await presentReport(flat, chart, {...options, log: options.csv ? options.log : () => {}, json: options.json || !options.csv})
}

export function share(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null
}

export function num(v: unknown): number {
  return v === null || v === undefined ? 0 : Number(v)
}

export function numOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v)
}

/** `--where`: a SQL condition on the session `s.*` and its intent `si.intent`, wrapped for a WHERE clause. */
export function whereSql(where: string | undefined): string {
  return where ? `(${where})` : 'true'
}

/** Runs a report query; a --where that DuckDB cannot bind or parse becomes a usage error naming the flag. */
export async function allWithWhere(store: Store, sql: string, params: Record<string, unknown>, where: string | undefined): Promise<Record<string, unknown>[]> {
  try {
    return await store.all(sql, params)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    if (where && /Binder Error|Parser Error|Conversion Error/.test(message)) {
      const {CcxError, EXIT} = await import('../../errors.js')
      throw new CcxError(`--where ${where}: ${message.split('\n')[0]}`, {
        code: 'BAD_WHERE',
        exit: EXIT.usage,
        suggestions: ["--where is a SQL condition on the session s.* (s.source, s.city, s.device_type, s.term, …) and si.intent, e.g. \"s.device_type = 'mobile'\""],
      })
    }
    throw error
  }
}
