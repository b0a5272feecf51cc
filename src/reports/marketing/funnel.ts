import {colorScale, OTHER, topSeries} from '../../charts/series.js'
import {readFileSync} from 'node:fs'
import {CcxError, EXIT} from '../../errors.js'
import {readSql, renderSql, type Store} from '../../store/store.js'
import {sqlString} from '../../store/values.js'
import {requireTables, siteFilter} from '../common.js'
import {sqlRange, type DateRange} from '../range.js'
import {DIMENSIONS} from './common.js'
import {ratio} from '../../stats/summary.js'
import {defineReport, rangeOptions} from '../contract.js'
import {MART_INPUTS} from '../../marts/marketing.js'
import {FUNNEL_STEP_TYPES, MART_STEP_TYPES, type FunnelStepType} from '../../vocab/events.js'

export interface StageDef {
  name: string
  /** Step types that count for this stage (see STEP_TYPES). */
  types?: string[]
  /** Or a SQL condition on the step row: columns site, visitor_id, session_id, ts, type, url, title, value. */
  where?: string
}

/** Step types a stage can name: event types of the probe plus the sources outside it (src/vocab/events.ts). */
export const STEP_TYPES: readonly string[] = FUNNEL_STEP_TYPES

/** Named stages: the default funnel is traffic → inquiries → leads → orders. */
export const STAGE_PRESETS: Record<string, StageDef> = {
  traffic: {name: 'traffic', types: ['session_start']},
  visits: {name: 'traffic', types: ['session_start']},
  inquiries: {name: 'inquiries', types: ['chat_request', 'call_inbound', 'message']},
  inquiry: {name: 'inquiries', types: ['chat_request', 'call_inbound', 'message']},
  leads: {name: 'leads', types: ['lead']},
  lead: {name: 'leads', types: ['lead']},
  orders: {name: 'orders', types: ['order']},
  order: {name: 'orders', types: ['order']},
  chats: {name: 'chats', types: ['chat_request']},
  calls: {name: 'calls', types: ['call_inbound']},
  messages: {name: 'messages', types: ['message']},
  registrations: {name: 'registrations', types: ['register']},
  invitations: {name: 'invitations', types: ['invite_shown']},
  accepted: {name: 'accepted', types: ['invite_accepted']},
} satisfies Record<string, StageDef & {types: FunnelStepType[]}>

export const DEFAULT_STAGES = ['traffic', 'inquiries', 'leads', 'orders']

/**
 * `--stages traffic,inquiries,leads,orders` or `visits,contact=chat_request|call_inbound,order` or bare
 * step types (`pageview,chat_request,lead`).
 */
export function parseStages(spec: string | undefined): StageDef[] {
  const items = (spec ?? DEFAULT_STAGES.join(',')).split(',').map((s) => s.trim()).filter(Boolean)
  const stages = items.map((item): StageDef => {
    const eq = item.indexOf('=')
    if (eq > 0) {
      const name = item.slice(0, eq).trim()
      const types = item.slice(eq + 1).split('|').map((t) => t.trim()).filter(Boolean)
      return {name, types: types.map((t) => checkType(t, item))}
    }
    if (item in STAGE_PRESETS) return {...STAGE_PRESETS[item]}
    return {name: item, types: [checkType(item, item)]}
  })
  return checkStages(stages, '--stages')
}

/** A stages file: `{"stages": [{"name": "...", "types": ["..."]} | {"name": "...", "where": "SQL"}]}`. */
export function readStagesFile(path: string): StageDef[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new CcxError(`cannot read stages file ${path}: ${error instanceof Error ? error.message : String(error)}`, {code: 'BAD_STAGES', exit: EXIT.badInput})
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as {stages?: unknown})?.stages
  if (!Array.isArray(list)) throw new CcxError(`stages file ${path}: expected {"stages": [...]}`, {code: 'BAD_STAGES', exit: EXIT.invalidConfig})
  const stages = list.map((raw, i): StageDef => {
    const s = raw as Partial<StageDef> & {preset?: string}
    const where = `stages file ${path}, stage ${i + 1}`
    if (typeof s === 'string') return STAGE_PRESETS[s] ? {...STAGE_PRESETS[s]} : {name: s, types: [checkType(s, where)]}
    if (!s || typeof s.name !== 'string') throw new CcxError(`${where}: "name" is required`, {code: 'BAD_STAGES', exit: EXIT.invalidConfig})
    if (s.types !== undefined && (!Array.isArray(s.types) || s.types.length === 0)) {
      throw new CcxError(`${where}: "types" must be a non-empty list`, {code: 'BAD_STAGES', exit: EXIT.invalidConfig})
    }
    if (!s.types && typeof s.where !== 'string') {
      throw new CcxError(`${where}: give "types" (step types) or "where" (a SQL condition)`, {code: 'BAD_STAGES', exit: EXIT.invalidConfig})
    }
    return {name: s.name, types: s.types?.map((t) => checkType(String(t), where)), where: s.where}
  })
  return checkStages(stages, path)
}

function checkType(type: string, where: string): string {
  if (!STEP_TYPES.includes(type)) {
    throw new CcxError(`unknown step type "${type}" in ${where}`, {code: 'BAD_STAGES', exit: EXIT.usage, suggestions: [`Step types: ${STEP_TYPES.join(', ')}; presets: ${Object.keys(STAGE_PRESETS).join(', ')}`]})
  }
  return type
}

function checkStages(stages: StageDef[], where: string): StageDef[] {
  if (stages.length < 2) throw new CcxError(`${where}: a funnel needs at least two stages`, {code: 'BAD_STAGES', exit: EXIT.usage})
  if (stages.length > 12) throw new CcxError(`${where}: at most 12 stages`, {code: 'BAD_STAGES', exit: EXIT.usage})
  return stages
}

export type FunnelOrder = 'ordered' | 'any' | 'independent'

export interface FunnelOptions extends DateRange {
  stages?: StageDef[]
  /** customer: persons of the identities pipeline (every device and channel of one person is one unit). */
  unit?: FunnelUnit
  /** Seconds after stage 1 in which later stages count. */
  windowS?: number
  order?: FunnelOrder
  breakdown?: string[]
  site?: string
  /** SQL condition on the entry session (`s.*`) and its intent (`si.intent`). */
  where?: string
  /** Breakdown groups kept, by stage-1 count (the rest are dropped). */
  limit?: number
  /** False: skip the median times (holistic aggregates; the keyword report does not show them). */
  medians?: boolean
  /** live: read events/sessions; mart: read the marketing marts; auto (default): the marts when fresh and sufficient. */
  source?: 'auto' | 'live' | 'mart'
}

/** The marts are fresh when they were rebuilt after every change of their inputs (table_versions). */
export async function martIsFresh(store: Store): Promise<boolean> {
  if (!(await store.tableExists('mart_funnel_steps')) || !(await store.tableExists('mart_sessions'))) return false
  const row = await store.one<{fresh: boolean | null}>(
    `select (select min(changed_at) from table_versions where table_name in ('mart_funnel_steps', 'mart_sessions'))
        >= coalesce((select max(changed_at) from table_versions where table_name in (${MART_INPUTS.map(sqlString).join(', ')})), TIMESTAMP '1970-01-01') as fresh`,
  )
  return row?.fresh === true
}

export type FunnelUnit = 'visitor' | 'session' | 'customer'

export interface FunnelStage {
  stage: number
  name: string
  count: number
  /** count / previous stage's count. */
  conversion_from_previous: number | null
  /** count / stage 1 count. */
  conversion_from_first: number | null
  /** previous stage's count − count. */
  drop_off: number | null
  /** Median seconds from the previous stage (ordered funnels only). */
  median_s_from_previous: number | null
  median_s_from_first: number | null
}

export interface FunnelGroup {
  key: Record<string, string>
  stages: FunnelStage[]
}

export interface FunnelResult {
  unit: FunnelUnit
  order: FunnelOrder
  window_s: number
  from: string
  to: string
  stages: Array<{name: string; types?: string[]; where?: string}>
  breakdown: string[]
  total: FunnelStage[]
  groups: FunnelGroup[]
  groups_dropped: number
}

export const DEFAULT_WINDOW_S = 30 * 86400

/** Builds the funnel query for the given options (exported for tests and the benchmark). */
export async function funnelSql(store: Store, options: FunnelOptions): Promise<string> {
  const stages = options.stages ?? parseStages(undefined)
  const unit = options.unit ?? 'visitor'
  const order = options.order ?? 'ordered'
  const windowS = options.windowS ?? DEFAULT_WINDOW_S
  const breakdown = options.breakdown ?? []
  const types = new Set(stages.flatMap((s) => s.types ?? []))
  const anyCustom = stages.some((s) => s.where !== undefined)
  const needIntent = breakdown.includes('intent') || /\bsi\./.test(options.where ?? '')
  // the marts hold no page-level events and no URLs: custom SQL stages and page-level types always read events
  const martCanAnswer = !anyCustom && [...types].every((t) => (MART_STEP_TYPES as readonly string[]).includes(t))
  // the marts know no persons: a customer funnel reads the live tables
  const mart = martCanAnswer && unit !== 'customer' && options.source !== 'live' && (options.source === 'mart' || (await martIsFresh(store)))
  // stage 1 = sessions (traffic): units and their breakdown values come straight from the sessions table
  const fromSessions = stages[0].where === undefined && stages[0].types?.length === 1 && stages[0].types[0] === 'session_start'
  const laterTypes = new Set(stages.slice(fromSessions ? 1 : 0).flatMap((s) => s.types ?? []))
  const stageCondition = (s: StageDef) =>
    [s.types ? `type in (${s.types.map(sqlString).join(', ')})` : null, s.where ? `(${s.where})` : null].filter(Boolean).join(' and ')
  const fromSi = mart ? (sql: string) => sql.replace(/\bsi\./g, 's.') : (sql: string) => sql
  const where = options.where ? `(${fromSi(options.where)})` : 'true'
  const dimSql = (d: string, t1: string) => `coalesce(cast(${fromSi(DIMENSIONS[d].sql).replaceAll('u_t1', t1)} as VARCHAR), '(none)')`
  const dimNames = breakdown.length ? breakdown.map((_, i) => `dim_${i}`) : ['dim_none']
  const dimExprs = (t1: string) => (breakdown.length ? breakdown.map((d) => dimSql(d, t1)) : ["''"])

  let source: string
  let sessionsTable: string
  let intentJoin = ''
  let unitKey: string
  let sessionKey: string
  if (mart) {
    // integer keys, page-level events left out: see src/pipelines/marketing/mart_funnel_steps.sql
    source = `steps as (select * from mart_funnel_steps where ${siteFilter(options.site)} and type in (${[...laterTypes].map(sqlString).join(', ') || "''"}))`
    sessionsTable = `(select * from mart_sessions where ${siteFilter(options.site)})`
    unitKey = unit === 'visitor' ? 'visitor_key' : 'session_key'
    sessionKey = 'session_key'
  } else {
    const want = (t: string[]) => (anyCustom || t.some((x) => laterTypes.has(x)) ? 'true' : 'false')
    const eventTypes = [...laterTypes].filter((t) => !['session_start', 'call_inbound', 'call_outbound'].includes(t))
    source = renderSql(readSql(import.meta.url, 'funnel_source.sql'), {
      ...(unit === 'customer' ? PERSON_KEYS : NO_PERSON_KEYS),
      site_filter: siteFilter(options.site),
      site_filter_nullable: siteFilter(options.site, 'site', true),
      want_session_start: want(['session_start']),
      event_filter: anyCustom ? 'true' : eventTypes.length ? `type in (${eventTypes.map(sqlString).join(', ')})` : 'false',
      want_calls: want(['call_inbound', 'call_outbound']),
      want_chats: want(['chat_request']),
      want_leads: want(['lead']),
      want_orders: want(['order']),
    })
    const intents = needIntent && (await store.tableExists('session_intents'))
      ? '(select session_id, arg_max(intent, confidence) as intent from session_intents group by session_id)'
      : '(select null::VARCHAR as session_id, null::VARCHAR as intent where false)'
    sessionsTable = 'sess'
    intentJoin = `\n  left join ${intents} si on si.session_id = s.session_id`
    unitKey = unit === 'visitor' ? 'hash(site, visitor_id)' : unit === 'customer' ? 'customer_key' : 'session_id'
    sessionKey = 'session_id'
  }
  const sessionsFrom = `${sessionsTable} s${intentJoin}`
  const stepRows = mart ? 'steps' : 'src'
  const later = stages.map((s, i) => ({s, k: i + 1})).filter(({k}) => !fromSessions || k > 1)
  const disjoint = !anyCustom && later.every(({s}, i) => later.every(({s: o}, j) => i === j || !(s.types ?? []).some((t) => o.types?.includes(t))))
  const stageEvents = later.length === 0
    ? `select null as unit, null as session_id, null::TIMESTAMP as ts, null::INTEGER as stage where false`
    : disjoint
      ? `select * from (select ${unitKey} as unit, ${sessionKey} as session_id, ts, case ${later.map(({s, k}) => `when ${stageCondition(s)} then ${k}`).join(' ')} end as stage from ${stepRows}) where stage is not null`
      : later.map(({s, k}) => `select ${unitKey} as unit, ${sessionKey} as session_id, ts, ${k} as stage from ${stepRows} where ${stageCondition(s)}`).join('\n  union all\n  ')
  const inRange = (col: string) => `${col} >= $from::TIMESTAMP and ${col} < $to::TIMESTAMP`
  let units: string
  if (fromSessions && unit === 'session') {
    units = `select s.${sessionKey} as unit, s.started_at as t1, ${dimExprs('s.started_at').map((e, i) => `${e} as ${dimNames[i]}`).join(', ')}
  from ${sessionsFrom}
  where ${inRange('s.started_at')} and ${where}`
  } else if (fromSessions && mart) {
    // mart_sessions knows each session's predecessor: the entry session is the one whose predecessor is before the range
    units = `select s.visitor_key as unit, s.started_at as t1, ${dimExprs('s.started_at').map((e, i) => `${e} as ${dimNames[i]}`).join(', ')}
  from ${sessionsFrom}
  where ${inRange('s.started_at')} and (s.prev_started_at is null or s.prev_started_at < $from::TIMESTAMP) and ${where}`
  } else if (fromSessions) {
    // the visitor's first session in the range is the entry session: its values are picked in the same pass (arg_min)
    const packed = dimExprs('s.started_at').map((e, i) => `${dimNames[i]} := ${e}`).join(', ')
    units = `select unit, t1, ${dimNames.map((n) => `d.${n}`).join(', ')}
  from (
    select ${mart ? 's.visitor_key' : unit === 'customer' ? 's.customer_key' : 'hash(s.site, s.visitor_id)'} as unit, min(s.started_at) as t1,
      arg_min(struct_pack(${packed}, keep := ${where}), s.started_at) as d
    from ${sessionsFrom}
    where ${inRange('s.started_at')}
    group by 1
  )
  where d.keep`
  } else {
    units = `select s1.unit, s1.t1, ${dimExprs('s1.t1').map((e, i) => `${e} as ${dimNames[i]}`).join(', ')}
  from (
    select unit, arg_min(session_id, ts) as entry_session, min(ts) as t1
    from se
    where stage = 1 and ${inRange('ts')} and unit is not null
    group by unit
  ) s1
  left join ${sessionsTable} s on s.${sessionKey} = s1.entry_session${intentJoin}
  where ${where}`
  }
  const window = `INTERVAL ${windowS} SECOND`
  const laterK = Array.from({length: stages.length - 1}, (_, j) => j + 2)
  let steps = ''
  if (order === 'ordered') {
    // stage k must follow stage k−1: one join per stage, each on the (shrinking) set of units still in the funnel
    for (const k of laterK) {
      const prev = k === 2 ? 'u' : `s${k - 1}`
      steps += `,\ns${k} as (\n  select p.unit, p.t1, min(se.ts) as t${k}\n  from ${prev} p join se on se.unit = p.unit and se.stage = ${k} and se.ts >= p.t${k - 1} and se.ts <= p.t1 + ${window}\n  group by p.unit, p.t1\n)`
    }
    steps += `,\nreached as (\n  select s2.unit${laterK.map((k) => `, s${k}.t${k}`).join('')}\n  from s2${laterK.slice(1).map((k) => `\n  left join s${k} on s${k}.unit = s2.unit`).join('')}\n)`
  } else {
    // any order / independent: the first step of each stage in the window, all stages in one pass
    steps += `,\nreached as (\n  select u.unit${laterK.map((k) => `, min(se.ts) filter (where se.stage = ${k}) as t${k}`).join('')}\n  from u join se on se.unit = u.unit and se.ts >= u.t1 and se.ts <= u.t1 + ${window}\n  group by u.unit\n)`
  }
  let stepColumns = ''
  for (const k of laterK) {
    if (order === 'any') {
      const all = laterK.filter((j) => j <= k).map((j) => `r.t${j} is not null`).join(' and ')
      stepColumns += `, case when ${all} then r.t${k} end as t${k}`
    } else {
      stepColumns += `, r.t${k}`
    }
  }
  const aggregates: string[] = []
  const medians = options.medians !== false
  for (const k of laterK) {
    aggregates.push(`count(t${k}) as n${k}`)
    const fromFirst = medians ? `median(epoch(t${k}) - epoch(t1))` : 'null::DOUBLE'
    aggregates.push(`${fromFirst} as mf${k}`)
    // for stage 2 the previous stage is the first: the same median, computed once
    aggregates.push(medians && order === 'ordered' ? (k === 2 ? `mf2 as mp2` : `median(epoch(t${k}) - epoch(t${k - 1})) as mp${k}`) : `null::DOUBLE as mp${k}`)
  }
  const grouped = breakdown.length > 0
  const isTotal = grouped ? `grouping(${dimNames.join(', ')}) = ${2 ** breakdown.length - 1} as is_total, ` : 'true as is_total, '
  return renderSql(readSql(import.meta.url, 'funnel.sql'), {
    source,
    stage_events: stageEvents,
    units,
    steps,
    step_columns: stepColumns,
    dim_cols: (grouped ? dimNames.map((n) => `${n}, `).join('') : '') + isTotal,
    aggregates: aggregates.join(', '),
    group_by: grouped ? `group by grouping sets ((${dimNames.join(', ')}), ())` : '',
    exclude: [...(grouped ? dimNames : []), 'is_total'].join(', '),
    match: [...(grouped ? dimNames.map((n) => `c.${n} is not distinct from e.${n}`) : []), 'c.is_total = e.is_total'].join(' and '),
  })
}

/**
 * The person columns of funnel_source.sql: every row gets the customer_key of its person (customer_ids) — sessions and
 * probe events by visitor id, calls, chats, leads and orders by their record id, else by their visitor id; an id no
 * person holds (a blocked one) is a unit of its own, keyed as persons.sql keys a lone visitor.
 */
const VISITOR_PERSON = `(select id, customer_key from customer_ids where kind = 'visitor')`
const PERSON_KEYS = {
  sess_key: `, coalesce(p.customer_key, hash('visitor:' || s.visitor_id)) as customer_key`,
  sess_join: ` left join ${VISITOR_PERSON} p on p.id = s.visitor_id`,
  session_key: ', customer_key',
  event_key: `, coalesce(p.customer_key, hash('visitor:' || e.visitor_id)) as customer_key`,
  event_join: ` left join ${VISITOR_PERSON} p on p.id = e.visitor_id`,
  raw_visitor_filter: 'true',
  raw_key: `, coalesce(pr.customer_key, pv.customer_key, case when r.visitor_id is not null then hash('visitor:' || r.visitor_id) else hash(r.rec_kind || ':' || r.rec_id) end) as customer_key`,
  raw_join: ` left join customer_ids pr on pr.kind = r.rec_kind and pr.id = r.rec_id left join ${VISITOR_PERSON} pv on pv.id = r.visitor_id`,
}
const NO_PERSON_KEYS = {sess_key: '', sess_join: '', session_key: '', event_key: '', event_join: '', raw_visitor_filter: 'visitor_id is not null', raw_key: '', raw_join: ''}

export async function funnelReport(store: Store, options: FunnelOptions = {}): Promise<FunnelResult> {
  await requireTables(store, options.unit === 'customer' ? ['sessions', 'events', 'customer_ids'] : ['sessions', 'events'])
  const stages = options.stages ?? parseStages(undefined)
  const range = sqlRange(options)
  const sql = await funnelSql(store, {...options, stages})
  let rows: Record<string, unknown>[]
  try {
    rows = await store.all(sql, {from: range.from, to: range.to})
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    if (options.where && /Binder Error|Parser Error/.test(message)) {
      throw new CcxError(`--where ${options.where}: ${message.split('\n')[0]}`, {code: 'BAD_WHERE', exit: EXIT.usage, suggestions: ['--where is a SQL condition on the entry session (s.source, s.city, s.device_type, …) and si.intent']})
    }
    throw error
  }
  return funnelFromRows(rows, stages, options, range)
}

/** The result from the query's rows (is_total, dim_i, n_k, mf_k, mp_k): shared by the DuckDB and warehouse paths. */
export function funnelFromRows(rows: Record<string, unknown>[], stages: StageDef[], options: FunnelOptions, range: {from: string; to: string}): FunnelResult {
  const breakdown = options.breakdown ?? []
  const toStages = (row: Record<string, unknown>): FunnelStage[] =>
    stages.map((s, i) => {
      const k = i + 1
      const count = Number(row[`n${k}`] ?? 0)
      const prev = k === 1 ? null : Number(row[`n${k - 1}`] ?? 0)
      const first = Number(row.n1 ?? 0)
      return {
        stage: k,
        name: s.name,
        count,
        conversion_from_previous: prev === null ? null : ratio(count, prev),
        conversion_from_first: k === 1 ? (first > 0 ? 1 : null) : ratio(count, first),
        drop_off: prev === null ? null : prev - count,
        median_s_from_previous: k === 1 ? null : numOrNull(row[`mp${k}`]),
        median_s_from_first: k === 1 ? null : numOrNull(row[`mf${k}`]),
      }
    })
  const totalRow = rows.find((r) => r.is_total === true) ?? {n1: 0}
  const dimOrder = (a: Record<string, unknown>, b: Record<string, unknown>) => {
    for (let i = 0; i < breakdown.length; i++) {
      const x = String(a[`dim_${i}`])
      const y = String(b[`dim_${i}`])
      if (x !== y) return x < y ? -1 : 1
    }
    return 0
  }
  const groupRows = rows.filter((r) => r.is_total !== true)
  const keyOf = (r: Record<string, unknown>) => Object.fromEntries(breakdown.map((d, i) => [d, String(r[`dim_${i}`])]))
  let groups: FunnelGroup[] = []
  let dropped = 0
  if (breakdown.length === 1 && TIME_DIMENSIONS.includes(breakdown[0])) {
    // a time series: every period in date order (gaps filled with zeros), never the largest few
    const dim = breakdown[0] as TimeDimension
    const byPeriod = new Map(groupRows.map((r) => [String(r.dim_0), r]))
    groups = periodsToShow(dim, [...byPeriod.keys()], options).map((period) => ({
      key: {[dim]: period},
      stages: toStages(byPeriod.get(period) ?? {n1: 0}),
    }))
  } else if (breakdown.length) {
    // largest stage 1 first; ties by the breakdown values in code-point order, so the output is stable
    groupRows.sort((a, b) => Number(b.n1) - Number(a.n1) || dimOrder(a, b))
    const limit = options.limit ?? DEFAULT_GROUP_LIMIT
    groups = groupRows.slice(0, limit).map((r) => ({key: keyOf(r), stages: toStages(r)}))
    dropped = Math.max(0, groupRows.length - groups.length)
  }
  return {
    unit: options.unit ?? 'visitor',
    order: options.order ?? 'ordered',
    window_s: options.windowS ?? DEFAULT_WINDOW_S,
    from: range.from,
    to: range.to,
    stages: stages.map((s) => ({name: s.name, types: s.types, where: s.where})),
    breakdown,
    total: toStages(totalRow),
    groups,
    groups_dropped: dropped,
  }
}

function numOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v)
}

/** Flat rows (one per group × stage) for tables, CSV and file exports. */
export function funnelRows(result: FunnelResult): Record<string, unknown>[] {
  const flat = (key: Record<string, string>, stages: FunnelStage[]) =>
    stages.map((s) => ({...key, stage: s.stage, name: s.name, count: s.count, conv_prev: s.conversion_from_previous, conv_first: s.conversion_from_first, drop_off: s.drop_off, median_s_prev: s.median_s_from_previous, median_s_first: s.median_s_from_first}))
  if (result.breakdown.length === 0) return flat({}, result.total)
  const totalKey = Object.fromEntries(result.breakdown.map((d) => [d, '(all)']))
  return [...flat(totalKey, result.total), ...result.groups.flatMap((g) => flat(g.key, g.stages))]
}

/**
 * Vega-Lite: stage bars (total or per group) with the share of stage 1 as labels; a time breakdown as lines by date.
 * Stages take the colours of their meaning (traffic, inquiries, leads, orders: as in the overview); beyond 8 groups the
 * rest is one "other" group (the total minus the groups drawn: each unit is in one group, its entry session's).
 */
export function funnelChart(result: FunnelResult): object {
  const rows: Array<Record<string, unknown> & {group: string; label: string}> = funnelRows(result).map((r) => ({...r, group: result.breakdown.map((d) => r[d]).join(' · ') || 'all', label: `${r.stage}. ${r.name}`}))
  const allKey = result.breakdown.map(() => '(all)').join(' · ')
  const title = `Funnel (${result.unit}s, ${result.order === 'ordered' ? 'ordered' : result.order + ' order'})`
  const labels = result.stages.map((s, i) => `${i + 1}. ${s.name}`)
  const stageColour = {field: 'label', type: 'ordinal', title: 'stage', sort: labels, scale: stageScale(result)}
  if (result.breakdown.length === 1 && TIME_DIMENSIONS.includes(result.breakdown[0])) {
    const dated = rows.filter((r) => r.group !== allKey).every((r) => /^\d{4}-\d{2}-\d{2}$/.test(String(r.group)))
    return {
      title,
      data: {values: rows.filter((r) => r.group !== allKey)},
      width: 560,
      mark: {type: 'line', point: true},
      encoding: {
        // periods come complete and in order from the query; a date axis keeps them so
        x: dated
          ? {field: 'group', type: 'temporal', timeUnit: 'yearmonthdate', title: result.breakdown[0], axis: {format: '%m-%d', labelOverlap: true}}
          : {field: 'group', type: 'ordinal', title: result.breakdown[0], sort: null},
        y: {field: 'count', type: 'quantitative', title: `${result.unit}s`},
        color: stageColour,
      },
    }
  }
  let values = rows
  let note: string | null = null
  if (result.breakdown.length) {
    const grouped = rows.filter((r) => r.group !== allKey)
    const top = topSeries(new Map(result.groups.map((g) => [result.breakdown.map((d) => g.key[d]).join(' · '), g.stages[0]?.count ?? 0])), 'groups')
    // groups past the query's --limit are in the total too: "other" counts them
    const more = top.folded + result.groups_dropped
    note = more > 0 ? `the ${top.keep.size} largest groups; ${more} more folded into "${OTHER}" (the table has ${top.folded > 0 ? 'the first ' + result.groups.length : 'them all'})` : null
    values = grouped.filter((r) => top.keep.has(r.group))
    if (more > 0) {
      const kept = (stage: number) => values.filter((r) => r['stage'] === stage).reduce((a, r) => a + Number(r['count']), 0)
      values.push(...result.total.map((s) => ({stage: s.stage, name: s.name, count: s.count - kept(s.stage), group: OTHER, label: `${s.stage}. ${s.name}`})))
    }
  }
  const base = {title: note ? {text: title, subtitle: note} : title, data: {values}, width: 520}
  if (!result.breakdown.length) {
    return {
      ...base,
      encoding: {y: {field: 'label', type: 'ordinal', title: null, sort: null}, x: {field: 'count', type: 'quantitative', title: `${result.unit}s`}},
      layer: [
        {mark: {type: 'bar'}, encoding: {color: {...stageColour, legend: null}}},
        {mark: {type: 'text', align: 'left', dx: 4}, encoding: {text: {field: 'conv_first', type: 'quantitative', format: '.1%'}}},
      ],
    }
  }
  return {
    ...base,
    // the step is one stage's bar (yOffset): 4 × 9 px a group
    height: {step: 9},
    mark: 'bar',
    encoding: {
      y: {field: 'group', type: 'nominal', title: result.breakdown.join(' · '), sort: null},
      x: {field: 'count', type: 'quantitative', title: `${result.unit}s`},
      color: stageColour,
      yOffset: {field: 'label', sort: labels},
    },
  }
}

/** Each stage the colour of its name's meaning (traffic, inquiries, leads, orders), labelled "1. traffic" etc. */
function stageScale(result: FunnelResult): {domain: string[]; range: string[]} {
  const byName = colorScale(result.stages.map((s) => s.name))
  return {domain: result.stages.map((s, i) => `${i + 1}. ${s.name}`), range: byName.range}
}

/** Breakdowns that are a time axis: shown complete and in date order. */
export const TIME_DIMENSIONS = ['day', 'week', 'month']
type TimeDimension = 'day' | 'week' | 'month'
export const DEFAULT_GROUP_LIMIT = 50
/** A longer gap-filled series than this is only filled between the first and last period with data. */
const MAX_FILLED_PERIODS = 3660

/** Every period from the range's first to its last (or the data's, when the range is open or very long), in order. */
export function periodsToShow(dim: TimeDimension, present: string[], range: DateRange): string[] {
  const sorted = [...present].sort()
  const r = sqlRange(range)
  const first = range.from ? periodOf(dim, r.from.slice(0, 10)) : sorted[0]
  // the last instant inside [from, to) is just before `to`
  const lastDay = new Date(Date.parse(`${r.to.replace(' ', 'T')}Z`) - 1000).toISOString().slice(0, 10)
  const last = range.to ? periodOf(dim, lastDay) : sorted.at(-1)
  if (first === undefined || last === undefined) return sorted
  let periods = enumeratePeriods(dim, first, last)
  if (periods.length > MAX_FILLED_PERIODS && sorted.length > 0) periods = enumeratePeriods(dim, sorted[0], sorted.at(-1)!)
  // keys outside the enumerated span (cannot happen for rows of the range; kept rather than lost) go in date order too
  return [...new Set([...periods, ...sorted])].sort()
}

function periodOf(dim: TimeDimension, day: string): string {
  if (dim === 'month') return day.slice(0, 7)
  if (dim === 'day') return day
  const d = new Date(`${day}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7)) // back to Monday, as date_trunc('week')
  return d.toISOString().slice(0, 10)
}

function enumeratePeriods(dim: TimeDimension, first: string, last: string): string[] {
  const out: string[] = []
  if (dim === 'month') {
    let [y, m] = first.split('-').map(Number)
    for (let key = first; key <= last && out.length <= MAX_FILLED_PERIODS; ) {
      out.push(key)
      m++
      if (m > 12) [y, m] = [y + 1, 1]
      key = `${y}-${String(m).padStart(2, '0')}`
    }
    return out
  }
  const step = dim === 'week' ? 7 : 1
  const d = new Date(`${first}T00:00:00Z`)
  for (let key = first; key <= last && out.length <= MAX_FILLED_PERIODS; key = d.toISOString().slice(0, 10)) {
    out.push(key)
    d.setUTCDate(d.getUTCDate() + step)
  }
  return out
}

/** `ccx report funnel`. Breakdown values come from each unit's entry session; formulas in docs/metrics.md. */
export default defineReport<FunnelOptions, FunnelResult>({
  id: 'marketing/funnel',
  title: 'Funnel',
  // the marts only speed it up: stale marts are not read (martIsFresh), the live tables are
  needs: {tables: ['sessions', 'events'], pipelines: ['normalize'], optional: ['intents', 'identities'], cache: ['marketing-marts']},
  run: (ctx, options) => funnelReport(ctx.store, options),
  warehouse: async (wh, options) => (await import('./warehouse.js')).funnelWarehouse(wh, options),
  rows: funnelRows,
  charts: (result) => [funnelChart(result)],
  notes: (result) => (result.groups_dropped > 0 ? [`${result.groups_dropped} smaller groups not shown (--limit)`] : []),
  async section(ctx) {
    const range = rangeOptions(ctx)
    const funnel = await funnelReport(ctx.store, range)
    const bySource = await funnelReport(ctx.store, {...range, breakdown: ['source'], limit: 10})
    return [
      {
        title: 'Funnel: traffic → inquiries → leads → orders',
        description: `Visitors, ordered stages, ${funnel.window_s / 86400}-day window after the first visit of the range.`,
        charts: [funnelChart(funnel), funnelChart(bySource)],
        tables: [
          {title: 'Funnel', rows: funnelRows(funnel)},
          {title: 'Funnel by source (top 10)', rows: funnelRows(bySource)},
        ],
      },
    ]
  },
})
