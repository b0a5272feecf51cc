import {readFileSync} from 'node:fs'
import type {Store} from '../../store/store.js'
import {readSql, renderSql} from '../../store/store.js'
import {CcxError, EXIT} from '../../errors.js'
import {ratio} from '../../stats/summary.js'
import {addCounters, kpisFromCounters, type KpiCounters} from './kpis.js'
import {parseRange, type DateRange} from '../range.js'
import {METRICS, parseScorecard, scoreAgents, type AgentScore, type MetricId, type Scorecard} from './scorecard.js'
import {filterSql, kpiCounters} from './service.js'
import {scoreChart} from './charts.js'
import {percent, percentValue, points, round} from '../../format/numbers.js'
import {defineReport, rangeOptions, type ReportContext, type Row} from '../contract.js'

export const DEFAULT_SCORECARD_URL = new URL('../../../defaults/scorecard.json', import.meta.url)

export function loadScorecard(options: {file?: string; config?: Record<string, unknown>}): Scorecard {
  const where = options.file ?? (options.config ? 'config "scoring"' : DEFAULT_SCORECARD_URL.pathname)
  try {
    if (options.file) return parseScorecard(JSON.parse(readFileSync(options.file, 'utf8')), where)
    const defaults = JSON.parse(readFileSync(DEFAULT_SCORECARD_URL, 'utf8')) as Record<string, unknown>
    // Config `scoring` may set only some keys (e.g. minContacts); the rest come from the defaults.
    if (options.config && Object.keys(options.config).length > 0) return parseScorecard({...defaults, ...options.config}, where)
    return parseScorecard(defaults, where)
  } catch (error) {
    throw new CcxError(`scorecard ${(error as Error).message}`, {
      code: 'SCORECARD_INVALID',
      exit: EXIT.invalidConfig,
      suggestions: ['See defaults/scorecard.json for the shape.'],
    })
  }
}

export type MetricValues = Partial<Record<MetricId, number | null>>

export interface AgentRow extends AgentScore {
  industry: string
  values: MetricValues
  /** Agent value − team value, per metric. */
  vsTeam: MetricValues
  vsIndustry: MetricValues
  tags: ProfileTag[]
}

export interface ProfileTag {
  /** intent, industry, customer type and topic (queue): contacts → lead or order; product: the agent's leads → order. */
  dimension: 'intent' | 'industry' | 'customer_type' | 'topic' | 'product'
  value: string
  contacts: number
  conversion: number
  teamConversion: number
  /** conversion ÷ team conversion in that segment. */
  lift: number | null
}

export interface BestAgent {
  dimension: ProfileTag['dimension']
  value: string
  agent_id: string
  contacts: number
  conversion: number
  teamConversion: number
}

export interface AgentsReport {
  from: string | null
  to: string | null
  scorecard: Scorecard
  team: MetricValues
  industries: Array<{industry: string; sites: number; source: string; values: MetricValues}>
  agents: AgentRow[]
  /** For routing: per segment, the agent who converts it best (enough contacts only). */
  bestAgents: BestAgent[]
  notes: string[]
}

export interface AgentsOptions extends DateRange {
  site?: string
  /** The weighted scorecard (default: defaults/scorecard.json with the config's "scoring" on top). */
  scorecard?: Scorecard
  minContacts?: number
  repeatDays?: number
  /** {industry: {metric: value}} with a "source" per industry; replaces the pooled figures for those industries. */
  benchmarks?: Record<string, Record<string, unknown>>
  /** Quality inspection (`report qa`) of the range's conversations: per agent, scored conversations and their mean score. */
  qa?: Map<string, {conversations: number; meanScore: number}>
}

type ExtraRow = {
  grp: string
  handled: number
  /** Agents who handled those contacts: a volume compares with the average per agent, not the group's total. */
  agents: number
  call_handle_n: number
  call_handle_sum: number
  leads: number
  orders: number
}

/** Per-agent values, team and industry averages (pooled: ratio of sums), scores, ranks and profile tags. */
export async function agentsReport(store: Store, card: Scorecard, options: AgentsOptions): Promise<AgentsReport> {
  const {from, to} = parseRange(options)
  if (options.minContacts !== undefined) card = {...card, minContacts: options.minContacts}
  const notes: string[] = []
  await buildAgentContacts(store, options, notes)
  const base = {...options, repeatDays: options.repeatDays ?? 7}

  // Inbound KPI counters per agent and per industry; handled volume, call AHT and conversion from agent_contacts.
  const byAgent = new Map((await kpiCounters(store, base, `agent_id`)).map((r) => [r.grp, r]))
  const byIndustry = new Map((await kpiCounters(store, {...base, site: undefined}, `coalesce(industry, '(none)')`)).map((r) => [r.grp, r]))
  const extras = await extraCounters(store, 'agent_id')
  const industryExtras = await extraCounters(store, 'industry', true, from, to)
  const adherence = await adherenceBy(store, from, to, notes)
  // QA score: mean over conversations (not over agents) of the 0–100 inspection score; pooled for team and industry.
  const qa = options.qa ?? new Map<string, {conversations: number; meanScore: number}>()
  const qaMean = (ids: string[]): number | null => {
    let n = 0
    let sum = 0
    for (const id of ids) {
      const q = qa.get(id)
      if (q) {
        n += q.conversations
        sum += q.conversations * q.meanScore
      }
    }
    return n > 0 ? sum / n : null
  }
  if (qa.size === 0)
    notes.push('QA score: n/a (no call transcripts or chat messages in the range): the quality component is FCR and resolution only')

  const agentIndustry = new Map(
    (
      await store.all<{agent_id: string; industry: string}>(
        `select agent_id, mode(industry) as industry from agent_contacts group by agent_id`,
      )
    ).map((r) => [r.agent_id, r.industry]),
  )
  const values = (c: KpiCounters | undefined, e: ExtraRow | undefined, adh: number | null, qaScore: number | null): MetricValues => {
    const k = c ? kpisFromCounters(c) : undefined
    return {
      handled: e && e.agents > 0 ? e.handled / e.agents : 0,
      aht_s: e ? ratio(e.call_handle_sum, e.call_handle_n) : null,
      first_response_s: k?.firstResponseSeconds ?? null,
      reply_s: k?.replySeconds ?? null,
      fcr: k?.fcr ?? null,
      resolution_rate: k?.resolutionRate ?? null,
      csat_top2: k?.csatTop2Box ?? null,
      lead_rate: e ? ratio(e.leads, e.handled) : null,
      order_rate: e ? ratio(e.orders, e.handled) : null,
      adherence: adh,
      qa_score: qaScore,
    }
  }

  const agentIds = [...extras.keys()].sort()
  const agentValues = new Map(
    agentIds.map((id) => [id, values(byAgent.get(id), extras.get(id), adherence.get(id) ?? null, qaMean([id]))]),
  )
  const teamExtra = [...extras.values()].reduce<ExtraRow>(
    (a, e) => ({
      grp: 'team',
      handled: a.handled + e.handled,
      agents: a.agents + e.agents,
      call_handle_n: a.call_handle_n + e.call_handle_n,
      call_handle_sum: a.call_handle_sum + e.call_handle_sum,
      leads: a.leads + e.leads,
      orders: a.orders + e.orders,
    }),
    {grp: 'team', handled: 0, agents: 0, call_handle_n: 0, call_handle_sum: 0, leads: 0, orders: 0},
  )
  const team = values(
    addCounters(agentIds.map((id) => byAgent.get(id)).filter((c): c is KpiCounters & {grp: string} => c !== undefined)),
    teamExtra,
    adherence.get('__team__') ?? null,
    qaMean(agentIds),
  )
  const sitesPerIndustry = new Map(
    (
      await store.all<{industry: string; sites: number}>(
        `select coalesce(industry, '(none)') as industry, count(distinct site) as sites from contact_facts group by 1`,
      )
    ).map((r) => [r.industry, r.sites]),
  )
  const industries = [...new Set(agentIndustry.values())].sort().map((industry) => {
    const bench = options.benchmarks?.[industry]
    if (bench) {
      const v: MetricValues = {}
      for (const id of Object.keys(METRICS) as MetricId[]) v[id] = typeof bench[id] === 'number' ? (bench[id] as number) : null
      return {industry, sites: sitesPerIndustry.get(industry) ?? 0, source: String(bench.source ?? 'benchmarks file'), values: v}
    }
    return {
      industry,
      sites: sitesPerIndustry.get(industry) ?? 0,
      source: 'pooled from this database',
      values: values(
        byIndustry.get(industry),
        industryExtras.get(industry),
        adherence.get(`industry:${industry}`) ?? null,
        qaMean([...agentIndustry].filter(([, i]) => i === industry).map(([id]) => id)),
      ),
    }
  })
  const industryValues = new Map(industries.map((i) => [i.industry, i.values]))

  const scores = scoreAgents(
    agentIds.map((id) => ({agent_id: id, handled: agentValues.get(id)!.handled ?? 0, metrics: agentValues.get(id)!})),
    card,
  )
  const {tags, best} = await profileTags(store, card.minSegmentContacts, card.minTagLift, from, to)
  const diff = (a: MetricValues, b: MetricValues | undefined): MetricValues => {
    const out: MetricValues = {}
    for (const id of Object.keys(METRICS) as MetricId[])
      out[id] = a[id] != null && b?.[id] != null ? (a[id] as number) - (b[id] as number) : null
    return out
  }
  const agents = scores
    .map((s) => {
      const v = agentValues.get(s.agent_id)!
      const industry = agentIndustry.get(s.agent_id) ?? '(none)'
      return {
        ...s,
        industry,
        values: v,
        vsTeam: diff(v, team),
        vsIndustry: diff(v, industryValues.get(industry)),
        tags: tags.get(s.agent_id) ?? [],
      }
    })
    .sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || b.handled - a.handled || a.agent_id.localeCompare(b.agent_id))
  return {from, to, scorecard: card, team, industries, agents, bestAgents: best, notes}
}

async function buildAgentContacts(store: Store, options: AgentsOptions, notes: string[]): Promise<void> {
  const {from, to} = parseRange(options)
  const haveIntents = (await store.tableExists('session_intents')) && (await store.tableExists('sessions'))
  // The visitor's intent: the latest classified session that started at or before the contact (ASOF join).
  const visitIntent = haveIntents
    ? `select h.contact_id, si.intent from handled h
       asof join (select s.visitor_id, s.started_at, i.intent from sessions s
                  join (select session_id, arg_max(intent, confidence) as intent from session_intents
                        where intent is not null and intent <> 'none' group by session_id) i using (session_id)) si
         on si.visitor_id = h.visitor_id and h.started_at >= si.started_at`
    : `select null::VARCHAR as contact_id, null::VARCHAR as intent where false`
  if (!haveIntents) notes.push('no intent tags: no sessions/session_intents (run normalize and intents first)')
  await store.run(
    renderSql(readSql(import.meta.url, 'sql/agent_contacts.sql'), {filter: filterSql({site: options.site}), visit_intent: visitIntent}),
    {from, to},
  )
}

async function extraCounters(
  store: Store,
  group: string,
  fromFacts = false,
  from: string | null = null,
  to: string | null = null,
): Promise<Map<string, ExtraRow>> {
  // Industry averages pool every site of the industry, not just the selected one: read contact_facts then.
  const source = fromFacts
    ? `(select f.contact_id, f.kind, coalesce(f.industry, '(none)') as industry, f.agent_id, f.handle_s, cv.has_lead, cv.has_order
        from contact_facts f join contact_conversions cv using (contact_id)
        where ($from::TIMESTAMP is null or f.started_at >= $from::TIMESTAMP) and ($to::TIMESTAMP is null or f.started_at < $to::TIMESTAMP))`
    : `(select a.*, f.handle_s from agent_contacts a join contact_facts f using (contact_id))`
  const rows = await store.all<ExtraRow>(
    `select cast(${group} as VARCHAR) as grp, count(*) as handled, count(distinct agent_id) as agents,
       count(handle_s) filter (where kind = 'call') as call_handle_n,
       coalesce(sum(handle_s) filter (where kind = 'call'), 0) as call_handle_sum,
       count(*) filter (where has_lead) as leads,
       count(*) filter (where has_order) as orders
     from ${source} x group by grp`,
    fromFacts ? {from, to} : undefined,
  )
  return new Map(rows.map((r) => [r.grp, r]))
}

/**
 * Script adherence from the telesales analysis, when it ran: the `adherence` column of call_script_summary if it has
 * one, else stages reached ÷ stages in the library (distinct stages seen in call_stages), averaged over the agent's calls.
 */
async function adherenceBy(store: Store, from: string | null, to: string | null, notes: string[]): Promise<Map<string, number | null>> {
  const map = new Map<string, number | null>()
  if (!(await store.tableExists('call_script_summary'))) {
    notes.push('script adherence: n/a (run the telesales analysis first)')
    return map
  }
  const cols = await store.all<{column_name: string}>(
    `select column_name from information_schema.columns where table_name = 'call_script_summary'`,
  )
  const hasAdherence = cols.some((c) => c.column_name === 'adherence')
  const expr = hasAdherence ? 'adherence' : `stages_reached / nullif((select count(distinct stage) from call_stages), 0)`
  const rows = await store.all<{grp: string; adherence: number | null}>(
    `select coalesce(agent_id, '__none__') as grp, avg(${expr}) as adherence from call_script_summary
     where ($from::TIMESTAMP is null or offered_at >= $from::TIMESTAMP) and ($to::TIMESTAMP is null or offered_at < $to::TIMESTAMP)
     group by rollup (grp)`,
    {from, to},
  )
  for (const r of rows) map.set(r.grp ?? '__team__', r.adherence)
  // Industry averages pool every site of the industry (keyed "industry:<name>").
  const byIndustry = await store.all<{industry: string; adherence: number | null}>(
    `select coalesce(s.industry, '(none)') as industry, avg(${expr}) as adherence from call_script_summary c left join sites s on s.site = c.site
     where ($from::TIMESTAMP is null or c.offered_at >= $from::TIMESTAMP) and ($to::TIMESTAMP is null or c.offered_at < $to::TIMESTAMP)
     group by 1`,
    {from, to},
  )
  for (const r of byIndustry) map.set(`industry:${r.industry}`, r.adherence)
  return map
}

/** Segments where the agent converts (lead or order) better than the team, with enough contacts. */
async function profileTags(
  store: Store,
  minSegment: number,
  minLift: number,
  from: string | null,
  to: string | null,
): Promise<{tags: Map<string, ProfileTag[]>; best: BestAgent[]}> {
  const rows = await store.all<{
    dimension: ProfileTag['dimension']
    value: string
    agent_id: string
    contacts: number
    converted: number
    team_contacts: number
    team_converted: number
  }>(
    `with seg as (
       select 'intent' as dimension, intent as value, agent_id, has_lead or has_order as converted from agent_contacts
       union all select 'industry', industry, agent_id, has_lead or has_order from agent_contacts
       union all select 'customer_type', customer_type, agent_id, has_lead or has_order from agent_contacts
       union all select 'topic', queue, agent_id, has_lead or has_order from agent_contacts
       -- Products: the agent's leads (its own agent_id, else the handling agent) and whether an order followed.
       union all
       select 'product', l.product, coalesce(l.agent_id, a.agent_id),
         exists (select 1 from raw_orders o where o.lead_id = l.lead_id)
       from raw_leads l left join agent_contacts a on a.contact_id = coalesce(l.conversation_id, l.call_id)
       where l.product is not null and coalesce(l.agent_id, a.agent_id) is not null
         and ($from::TIMESTAMP is null or l.ts >= $from::TIMESTAMP) and ($to::TIMESTAMP is null or l.ts < $to::TIMESTAMP)
         and (a.agent_id is not null or l.agent_id in (select agent_id from agent_contacts))
     ), a as (
       select dimension, value, agent_id, count(*) as contacts, count(*) filter (where converted) as converted from seg group by all
     )
     select a.*, sum(contacts) over (partition by dimension, value) as team_contacts, sum(converted) over (partition by dimension, value) as team_converted
     from a where value not in ('(unknown)', 'unknown', '(none)') order by dimension, value, agent_id`,
    {from, to},
  )
  const tags = new Map<string, ProfileTag[]>()
  const best = new Map<string, BestAgent>()
  for (const r of rows) {
    if (r.contacts < minSegment) continue
    const conversion = r.converted / r.contacts
    const teamConversion = r.team_converted / r.team_contacts
    const key = `${r.dimension}\u0000${r.value}`
    const prev = best.get(key)
    if (conversion > 0 && (!prev || conversion > prev.conversion || (conversion === prev.conversion && r.contacts > prev.contacts))) {
      best.set(key, {dimension: r.dimension, value: r.value, agent_id: r.agent_id, contacts: r.contacts, conversion, teamConversion})
    }
    if (conversion > teamConversion && (teamConversion === 0 || conversion / teamConversion >= minLift)) {
      const list = tags.get(r.agent_id) ?? []
      list.push({
        dimension: r.dimension,
        value: r.value,
        contacts: r.contacts,
        conversion,
        teamConversion,
        lift: teamConversion > 0 ? conversion / teamConversion : null,
      })
      tags.set(r.agent_id, list)
    }
  }
  for (const list of tags.values()) list.sort((a, b) => (b.lift ?? Infinity) - (a.lift ?? Infinity) || b.contacts - a.contacts)
  return {tags, best: [...best.values()]}
}

const metricIds = Object.keys(METRICS) as MetricId[]

/** The QA inspection's per-agent mean scores over the range (`report qa` with the configured rules). */
async function qaByAgent(ctx: ReportContext, range: {from?: string; to?: string; site?: string}) {
  const {qaReport} = await import('../telesales/qa.js')
  const qa = await qaReport(ctx, {from: range.from, to: range.to, site: range.site})
  return new Map(qa.byAgent.filter((a) => a.agentId !== '(none)').map((a) => [a.agentId, {conversations: a.conversations, meanScore: a.meanScore}]))
}

/** `ccx report agents`: the weighted scorecard, each agent against the team and the industry, profile tags. */
export default defineReport<AgentsOptions, AgentsReport>({
  id: 'service/agents',
  title: 'Agent scores',
  needs: {tables: ['contact_facts'], pipelines: ['service'], optional: ['intents', 'telesales']},
  run: async (ctx, options) =>
    agentsReport(ctx.store, options.scorecard ?? loadScorecard({config: ctx.config.config.scoring}), {
      ...options,
      qa: options.qa ?? (await qaByAgent(ctx, options)),
    }),
  rows: (report) =>
    report.agents.map((a) => ({
      rank: a.rank,
      agent_id: a.agent_id,
      ranked: a.ranked,
      score: a.score,
      industry: a.industry,
      ...Object.fromEntries(metricIds.map((m) => [m, a.values[m] ?? null])),
      ...Object.fromEntries(metricIds.map((m) => [`vs_team_${m}`, a.vsTeam[m] ?? null])),
      ...Object.fromEntries(metricIds.map((m) => [`vs_industry_${m}`, a.vsIndustry[m] ?? null])),
      tags: a.tags.map((t) => `${t.dimension}=${t.value}`).join('; '),
    })),
  text: (report) => [
    {
      rows: report.agents.map((a) => ({
        rank: a.rank ?? '-',
        agent: a.agent_id,
        score: a.score === null ? (a.reason ?? 'n/a') : round(a.score, 1),
        handled: a.handled,
        'AHT s': round(a.values.aht_s, 1) ?? 'n/a',
        'FRT s': round(a.values.first_response_s, 1) ?? 'n/a',
        FCR: percent(a.values.fcr),
        'CSAT t2b': percent(a.values.csat_top2),
        'lead%': percent(a.values.lead_rate),
        'order%': percent(a.values.order_rate),
        adherence: percent(a.values.adherence),
        'Δ team CSAT': points(a.vsTeam.csat_top2),
        'Δ industry CSAT': points(a.vsIndustry.csat_top2),
        tags: a.tags
          .slice(0, 3)
          .map((t) => `${t.dimension}=${t.value}`)
          .join('; '),
      })),
    },
  ],
  charts: (report) => [scoreChart(report.agents)],
  notes: (report) => report.notes,
  async section(ctx) {
    const range = rangeOptions(ctx)
    const agents = await agentsReport(ctx.store, loadScorecard({config: ctx.config.config.scoring}), {
      ...range,
      qa: await qaByAgent(ctx, range),
    })
    return [
      {
        title: 'Agent scores',
        description: `Weighted scorecard (defaults/scorecard.json, config "scoring"); agents with fewer than ${agents.scorecard.minContacts} contacts are not ranked.`,
        charts: [scoreChart(agents.agents)],
        tables: [
          {
            title: 'Ranking',
            rows: agents.agents.map((a) => ({
              rank: a.rank,
              agent: a.agent_id,
              score: round(a.score, 1),
              handled: a.handled,
              'CSAT top-2 %': percentValue(a.values.csat_top2),
              'FCR %': percentValue(a.values.fcr),
              'lead %': percentValue(a.values.lead_rate),
              'converts best': a.tags
                .slice(0, 3)
                .map((t) => `${t.dimension}=${t.value}`)
                .join('; '),
            })) as Row[],
          },
        ],
      },
    ]
  },
})
