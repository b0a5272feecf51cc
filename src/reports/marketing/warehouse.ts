/**
 * The `--warehouse` paths of the core marketing reports: the same results as the DuckDB reports, queried from the
 * ClickHouse warehouse (`ccx warehouse publish`). The SQL is in ./clickhouse beside the DuckDB files; each report's
 * shaping and statistics (ratios, Wilson intervals, flags) are the functions the DuckDB path uses.
 */
import {CcxError, EXIT} from '../../errors.js'
import {readSql, renderSql} from '../../store/store.js'
import {chString} from '../../warehouse/clickhouse.js'
import type {Warehouse} from '../../warehouse/service.js'
import {SITES_TABLE} from '../../warehouse/tables.js'
import {MART_STEP_TYPES} from '../../vocab/events.js'
import {sqlRange} from '../range.js'
import {DIMENSIONS} from './common.js'
import {DEFAULT_WINDOW_S, funnelFromRows, parseStages, type FunnelOptions, type FunnelResult} from './funnel.js'
import {geoFromRows, type GeoOptions, type GeoResult} from './geo.js'
import {keywordsFromFunnel, type KeywordOptions, type KeywordResult} from './keywords.js'
import {overviewFromRows, type OverviewOptions, type OverviewResult} from './overview.js'
import {sourcesFromRows, type SourcesOptions, type SourcesResult} from './sources.js'

const sql = (file: string) => readSql(import.meta.url, `clickhouse/${file}`)

/** `YYYY-MM-DD HH:MM:SS` (UTC-naive, as DuckDB stores it) → microseconds since the epoch, as the warehouse stores times. */
function micros(t: string): number {
  return Date.parse(`${t.replace(' ', 'T')}Z`) * 1000
}

function chSite(site: string | undefined, column = 'site', nullable = false): string {
  if (!site) return '1'
  return nullable ? `(${column} = ${chString(site)} or isNull(${column}))` : `${column} = ${chString(site)}`
}

function noWhere(where: string | undefined, report: string): void {
  if (where) {
    throw new CcxError(`--where is not supported with --warehouse for ${report}`, {
      code: 'WAREHOUSE_UNSUPPORTED',
      exit: EXIT.usage,
      suggestions: ['Run the report on the local database (without --warehouse) for a --where condition'],
    })
  }
}

function baseVars(wh: Warehouse, options: {from?: string; to?: string; site?: string}) {
  const range = sqlRange(options)
  return {
    range,
    vars: {
      from_us: micros(range.from),
      to_us: micros(range.to),
      site_filter: chSite(options.site, 's.site'),
      site_filter_nullable: chSite(options.site, 'site', true),
      sessions: wh.table('ccx_sessions'),
      steps_local: wh.local('ccx_steps'),
    } as Record<string, string | number>,
  }
}

function outcomes(vars: Record<string, string | number>): string {
  return renderSql(sql('outcomes.sql'), vars)
}

const MEASURES =
  'count() as sessions, uniqExact(site, visitor_id) as visitors, countIf(inquiry = 1) as inquiries, countIf(lead = 1) as leads, countIf(ordered = 1) as orders'

export async function sourcesWarehouse(wh: Warehouse, options: SourcesOptions = {}): Promise<SourcesResult> {
  noWhere(options.where, 'report sources')
  const {range, vars} = baseVars(wh, options)
  const f = renderSql(sql('sources_f.sql'), {...vars, engine: DIMENSIONS.engine.sql, outcomes: outcomes(vars)})
  const rows = await wh.client.all(renderSql(sql('sources.sql'), {f, measures: MEASURES}))
  return sourcesFromRows(rows, range, options)
}

export async function geoWarehouse(wh: Warehouse, options: GeoOptions = {}): Promise<GeoResult> {
  noWhere(options.where, 'report geo')
  const {range, vars} = baseVars(wh, options)
  const f = renderSql(sql('geo_f.sql'), {...vars, outcomes: outcomes(vars)})
  const rows = await wh.client.all(renderSql(sql('geo.sql'), {f, measures: MEASURES}))
  return geoFromRows(rows, range, options)
}

/** DuckDB's median (the mean of the two middle values of an even count) of a sorted array. */
function median(sorted: string): string {
  const n = `length(${sorted})`
  return `if(${n} = 0, null, if(${n} % 2 = 1, ${sorted}[intDiv(${n}, 2) + 1], (${sorted}[intDiv(${n}, 2)] + ${sorted}[intDiv(${n}, 2) + 1]) / 2))`
}

export async function overviewWarehouse(wh: Warehouse, options: OverviewOptions = {}): Promise<OverviewResult> {
  const {range, vars: base} = baseVars(wh, options)
  const vars = {
    ...base,
    site_filter: chSite(options.site),
    events: wh.table('ccx_events'),
    conversations: wh.table('ccx_conversations'),
    leads: wh.table('ccx_leads'),
    orders: wh.table('ccx_orders'),
    calls: wh.table('ccx_calls'),
    median_wait: median('waits'),
    median_duration: median('durations'),
  }
  const ev = renderSql('ts_us >= {{from_us}} and ts_us < {{to_us}} and {{site_filter}}', vars)
  const [kpis] = await wh.client.all(renderSql(sql('overview_kpis.sql'), {...vars, ev}))
  const agents = await wh.client.all(renderSql(sql('overview_agents.sql'), vars))
  const daily = await wh.client.all(renderSql(sql('overview_daily.sql'), {...vars, ev}))
  const numbers = (r: Record<string, unknown>, text: string[]) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, text.includes(k) || v === null ? v : Number(v)]))
  return overviewFromRows(
    kpis ?? {},
    agents.map((a) => numbers(a, ['agent'])),
    daily.map((d) => numbers(d, ['day'])),
    range,
    options,
  )
}

/** ClickHouse SQL of a breakdown dimension where DuckDB's differs (time of stage 1, booleans, the mart's intent). */
const CH_DIMENSIONS: Record<string, string> = {
  intent: 's.intent',
  returning: "if(s.is_returning = 1, 'returning', 'new')",
  day: "formatDateTime(toDateTime(intDiv(u_t1, 1000000), 'UTC'), '%Y-%m-%d')",
  week: "toString(toMonday(toDateTime(intDiv(u_t1, 1000000), 'UTC')))",
  month: "formatDateTime(toDateTime(intDiv(u_t1, 1000000), 'UTC'), '%Y-%m')",
}

function unsupported(what: string): never {
  throw new CcxError(`report funnel --warehouse: ${what}`, {
    code: 'WAREHOUSE_UNSUPPORTED',
    exit: EXIT.usage,
    suggestions: [
      'The warehouse holds the marketing marts: stage 1 traffic, later stages from probe, call, chat, lead and order steps, visitor or session units. Run other funnels without --warehouse.',
    ],
  })
}

/** The funnel on the warehouse marts: stage 1 is traffic (sessions); visitor or session units; any order. */
export async function funnelWarehouse(wh: Warehouse, options: FunnelOptions = {}): Promise<FunnelResult> {
  const stages = options.stages ?? parseStages(undefined)
  const unit = options.unit ?? 'visitor'
  const order = options.order ?? 'ordered'
  const windowS = options.windowS ?? DEFAULT_WINDOW_S
  const breakdown = options.breakdown ?? []
  if (unit === 'customer') unsupported('--unit customer needs the identities of the local database')
  const first = stages[0]
  if (first.where !== undefined || first.types?.length !== 1 || first.types[0] !== 'session_start') unsupported('stage 1 must be traffic (session_start)')
  for (const s of stages.slice(1)) {
    if (s.where !== undefined) unsupported(`stage "${s.name}" is a SQL condition`)
    for (const t of s.types ?? []) if (!(MART_STEP_TYPES as readonly string[]).includes(t)) unsupported(`stage "${s.name}" names the page-level step ${t}`)
  }
  const {range, vars} = baseVars(wh, options)
  const key = unit === 'visitor' ? 'visitor_key' : 'session_key'
  const w = windowS * 1_000_000
  const laterK = Array.from({length: stages.length - 1}, (_, j) => j + 2)
  const local = wh.local('ccx_funnel_steps')
  const stepFilter = `ts_us >= ${vars.from_us} and ts_us <= ${Number(vars.to_us) + w} and ${chSite(options.site)} and isNotNull(${key})`
  const stageEvents =
    laterK.length === 0
      ? `select ${key}, ts_us, 0 as stage from ${local} where 0`
      : laterK
          .map((k) => `select assumeNotNull(${key}) as ${key}, ts_us, ${k} as stage from ${local} where ${stepFilter} and type in (${(stages[k - 1].types ?? []).map(chString).join(', ')})`)
          .join(' union all ')
  let stageTimes = ''
  for (const k of laterK) {
    const lower = order === 'ordered' ? `t${k - 1}` : 't1'
    const reachedPrev = order === 'ordered' && k > 2 ? `t${k - 1} > 0 and ` : ''
    stageTimes += `, arrayFilter((t, st) -> ${reachedPrev}st = ${k} and t >= ${lower} and t <= t1 + ${w}, ts_arr, st_arr) as a${k}, if(empty(a${k}), 0, arrayReduce('min', a${k})) as t${k}_first`
    // any order: a stage counts only when every earlier stage was reached in the window too
    const all = order === 'any' ? laterK.filter((j) => j < k).map((j) => `t${j} > 0 and `).join('') : ''
    stageTimes += `, if(${all}1, t${k}_first, 0) as t${k}`
  }
  const dimNames = breakdown.map((_, i) => `dim_${i}`)
  const dimExprs = breakdown
    .map((d, i) => `, ifNull(toString(${(CH_DIMENSIONS[d] ?? DIMENSIONS[d].sql).replaceAll('u_t1', 's.started_us')}), '(none)') as dim_${i}`)
    .join('')
  const medians = options.medians !== false
  let aggregates = ''
  for (const k of laterK) {
    aggregates += `, countIf(t${k} > 0) as n${k}`
    aggregates += `, ${medians ? median(`arraySort(groupArrayIf((t${k} - t1) / 1e6, t${k} > 0))`) : 'null'} as mf${k}`
    aggregates += `, ${medians && order === 'ordered' ? median(`arraySort(groupArrayIf((t${k} - t${k - 1}) / 1e6, t${k} > 0))`) : 'null'} as mp${k}`
  }
  const entry = unit === 'visitor' ? `(isNull(s.prev_started_us) or s.prev_started_us < ${vars.from_us})` : '1'
  const where = options.where ? `(${options.where.replace(/\bsi\./g, 's.')})` : '1'
  const query = (grouped: boolean) =>
    renderSql(sql('funnel.sql'), {
      ...vars,
      unit_key: key,
      dim_exprs: dimExprs,
      stage_times: stageTimes,
      stage_events: stageEvents,
      entry,
      where,
      dim_cols: grouped ? dimNames.map((n) => `${n}, `).join('') : '',
      is_total: grouped ? '0' : '1',
      aggregates,
      group_by: grouped ? `group by ${dimNames.join(', ')}` : '',
    })
  const rows = [...(await wh.client.all(query(false))), ...(breakdown.length ? await wh.client.all(query(true)) : [])]
  return funnelFromRows(
    rows.map((r) => ({...r, is_total: Number(r.is_total) === 1})),
    stages,
    options,
    range,
  )
}

/** The keyword report on the warehouse: its funnel there, the industries and landing pages from the published tables. */
export async function keywordsWarehouse(wh: Warehouse, options: KeywordOptions = {}): Promise<KeywordResult> {
  const sites = await wh.client.all<{site: string; industry: string | null}>(`select site, industry from ${wh.database}.${SITES_TABLE}`)
  return keywordsFromFunnel(
    (funnelOptions) => funnelWarehouse(wh, funnelOptions),
    new Map(sites.map((r) => [r.site, r.industry])),
    options,
    async (rows) => {
      if (rows.length === 0) return new Map()
      const {vars} = baseVars(wh, options)
      // the most common entry URL (DuckDB's mode; ties to the smallest URL here)
      const found = await wh.client.all<{site: string; term: string; url: string}>(
        `select site, term, argMax(entry_url, n) as url from (
           select site, term, entry_url, count() as n from ${wh.table('ccx_sessions')}
           where term in (${[...new Set(rows.map((r) => r.keyword))].map(chString).join(', ')})
             and site in (${[...new Set(rows.map((r) => r.site))].map(chString).join(', ')})
             and started_us >= ${vars.from_us} and started_us < ${vars.to_us}
           group by site, term, entry_url order by entry_url)
         group by site, term`,
      )
      return new Map(found.map((r) => [`${r.site}\u0001${r.term}`, r.url]))
    },
  )
}
