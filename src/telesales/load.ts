import {CcxError, EXIT} from '../errors.js'
import {readSql, renderSql, type Store} from '../store/store.js'
import type {AnalysisCall} from '../reports/telesales/analysis.js'

/** Which calls a report looks at; all optional. */
export interface CallFilter {
  from?: string
  to?: string
  site?: string
  campaign?: string
  /** Customer/call segment: key=value pairs on campaign, site, queue, agent. */
  segment?: string
}

const SEGMENT_COLUMNS: Record<string, string> = {campaign: 'campaign', site: 'site', queue: 'queue', agent: 'agent_id'}

/** SQL condition on a table with offered_at/site/campaign/queue/agent_id columns, and its parameters. */
export function filterSql(f: CallFilter, alias = ''): {where: string; params: Record<string, string>} {
  const p = alias ? `${alias}.` : ''
  const parts: string[] = ['true']
  const params: Record<string, string> = {}
  if (f.from) {
    parts.push(`${p}offered_at >= $from::TIMESTAMP`)
    params.from = f.from
  }
  if (f.to) {
    parts.push(/^\d{4}-\d{2}-\d{2}$/.test(f.to) ? `${p}offered_at < $to::DATE + INTERVAL 1 DAY` : `${p}offered_at < $to::TIMESTAMP`)
    params.to = f.to
  }
  if (f.site) {
    parts.push(`${p}site = $site`)
    params.site = f.site
  }
  if (f.campaign) {
    parts.push(`${p}campaign = $campaign`)
    params.campaign = f.campaign
  }
  for (const [k, [key, value]] of parseSegment(f.segment).entries()) {
    parts.push(`${p}${SEGMENT_COLUMNS[key]} = $seg${k}`)
    params[`seg${k}`] = value
  }
  return {where: parts.join(' and '), params}
}

export function parseSegment(segment?: string): Array<[string, string]> {
  if (!segment) return []
  return segment.split(',').map((part) => {
    const m = /^\s*(\w+)\s*=\s*(.+?)\s*$/.exec(part)
    if (!m || !(m[1] in SEGMENT_COLUMNS)) {
      throw new CcxError(`--segment "${part}" is not key=value with key one of ${Object.keys(SEGMENT_COLUMNS).join(', ')}`, {
        code: 'BAD_SEGMENT',
        exit: EXIT.usage,
        suggestions: ['Example: --segment campaign=spring-printer'],
      })
    }
    return [m[1], m[2]] as [string, string]
  })
}

export async function requireScriptTables(store: Store): Promise<void> {
  if (!(await store.tableExists('call_script_summary'))) {
    throw new CcxError('no script analysis in this database yet (table call_script_summary is missing)', {
      code: 'NO_SCRIPT_DATA',
      exit: EXIT.failure,
      suggestions: ['Ingest calls and transcripts (`ccx ingest calls …`, `ccx ingest transcripts …`), then run `ccx run telesales`.'],
    })
  }
}

/** Analysed calls with the scripts they hit and the stages they reached. */
export async function loadAnalysisCalls(store: Store, filter: CallFilter = {}): Promise<AnalysisCall[]> {
  await requireScriptTables(store)
  const {where, params} = filterSql(filter, 's')
  // Comma-joined strings, split in JS: far cheaper to hand over than lists of strings (ids have no commas).
  const sql = `
    with h as (select call_id, string_agg(distinct script_id, ',') as scripts from script_hits group by call_id),
         st as (select call_id, string_agg(distinct stage, ',') as stages from call_stages group by call_id)
    select s.call_id, s.agent_id, s.campaign, s.success, coalesce(h.scripts, ''), coalesce(st.stages, '')
    from call_script_summary s left join h using (call_id) left join st using (call_id)
    where ${where}
    order by s.call_id`
  const reader = await store.connection.runAndReadAll(sql, params as never)
  const split = (v: unknown) => (v ? (v as string).split(',').sort() : [])
  return reader.getRowsJS().map((r) => ({
    callId: r[0] as string,
    agentId: (r[1] as string | null) ?? null,
    campaign: (r[2] as string | null) ?? null,
    success: Boolean(r[3]),
    scripts: split(r[4]),
    stages: split(r[5]),
  }))
}

/** Per customer: how many calls (in offered_at order) up to and including the first sale. */
export async function loadCallsToClose(
  store: Store,
  filter: CallFilter = {},
): Promise<{histogram: Array<{calls: number; customers: number}>; customersWithoutSale: number}> {
  const {where, params} = filterSql({...filter, segment: undefined})
  const rows = await store.all<{calls_to_close: number | null; customers: number}>(
    `with c as (
       select customer_id, outcome, row_number() over (partition by customer_id order by offered_at, call_id) as n
       from raw_calls where customer_id is not null and ${where}
     ), first_sale as (
       select customer_id, min(n) filter (where outcome = 'sale') as calls_to_close from c group by customer_id
     )
     select calls_to_close::INTEGER as calls_to_close, count(*)::INTEGER as customers from first_sale group by 1 order by 1 nulls last`,
    params,
  )
  return {
    histogram: rows.filter((r) => r.calls_to_close !== null).map((r) => ({calls: r.calls_to_close!, customers: r.customers})),
    customersWithoutSale: rows.find((r) => r.calls_to_close === null)?.customers ?? 0,
  }
}

export type StoredHit = {
  call_id: string
  agent_id: string | null
  campaign: string | null
  site: string | null
  offered_at: Date | string
  outcome: string | null
  script_id: string
  stage: string
  turn_no: number
  speaker: string
  offset_ms: number | null
  score: number
  turn_stage: string
  consequence: boolean
  text: string | null
}

/** Every hit the telesales pipeline stored, with its call and the turn's text, for the calls of the filter. */
export async function loadStoredHits(store: Store, filter: CallFilter = {}): Promise<StoredHit[]> {
  await requireScriptTables(store)
  const {where, params} = filterSql(filter, 's')
  return store.all<StoredHit>(renderSql(readSql(import.meta.url, 'hits.sql'), {where}), params)
}

/**
 * Per call, each script's best score down to the library's threshold − THRESHOLD_STEP (the telesales pipeline's
 * call_script_scores); undefined when that table is missing (a database analysed before it existed).
 */
export async function loadScriptScores(store: Store, filter: CallFilter = {}): Promise<Map<string, Map<string, number>> | undefined> {
  if (!(await store.tableExists('call_script_scores'))) return undefined
  const {where, params} = filterSql(filter, 's')
  const rows = await store.all<{call_id: string; scores: string}>(renderSql(readSql(import.meta.url, 'scores.sql'), {where}), params)
  const out = new Map<string, Map<string, number>>()
  for (const r of rows) {
    const m = new Map<string, number>()
    for (const part of r.scores.split(',')) {
      const eq = part.lastIndexOf('=')
      m.set(part.slice(0, eq), Number(part.slice(eq + 1)))
    }
    out.set(r.call_id, m)
  }
  return out
}
