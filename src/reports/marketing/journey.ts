import {CcxError, EXIT} from '../../errors.js'
import {readSql, renderSql, type Store} from '../../store/store.js'
import {requireTables, siteFilter} from '../common.js'
import {sqlRange, type DateRange} from '../range.js'
import {defineReport, type Row} from '../contract.js'
import {numOrNull} from './common.js'
import {hasIdentities, resolvePerson, type IdKind, type PersonRef} from './person.js'

export interface JourneyOptions extends DateRange {
  site?: string
  /** Include click events (left out by default: they crowd the timeline). */
  clicks?: boolean
  /** Only this visitor id (one device), even when it belongs to a person with other ids. */
  visitorOnly?: boolean
  /** What the id is, when it could be several (visitor, member, customer, phone, …). */
  kind?: IdKind
}

export interface JourneyStep {
  ts: string
  session_id: string | null
  /** The device (visitor id) of the step; chats, calls, leads and orders that name none: null. */
  visitor_id: string | null
  visit_number: number | null
  /** visit, page, click, invite_shown/accepted/declined, directive, chat_request, chat_start, chat, message, call, lead, register, order, identify, exit */
  kind: string
  /** web, chat (web chat) or the chat's channel (wechat, app…), call, call-out, or a lead's/order's channel. */
  channel: string | null
  url: string | null
  detail: string | null
  /** page: seconds on the page; chat/call: seconds from answer (or request) to end; exit: visit duration */
  dwell_s: number | null
}

export interface JourneyResult {
  /** The visitor id asked for (null when the id named a person some other way). */
  visitor_id: string | null
  /** The person (identities) whose timeline this is; null for one visitor's (--visitor-only, or no identities yet). */
  customer_id: string | null
  matched: {kind: string; id: string}
  /** The visitor ids (devices) shown. */
  visitors: string[]
  site: string | null
  visits: number
  first_seen: string | null
  last_seen: string | null
  steps: JourneyStep[]
}

const iso = (v: unknown): string => (v instanceof Date ? v.toISOString().replace('T', ' ').slice(0, 19) : String(v))

/**
 * The person an id names when the identities tables exist (and --visitor-only is not given); null: one visitor's
 * journey — no identities yet, or a visitor id that belongs to no person (a crawler, a shared id, data loaded after
 * the last `ccx run identities`).
 */
async function personOf(store: Store, id: string, options: JourneyOptions): Promise<PersonRef | null> {
  if (options.visitorOnly || !(await hasIdentities(store))) return null
  try {
    return await resolvePerson(store, id, {kind: options.kind})
  } catch (error) {
    const code = error instanceof CcxError ? error.code : ''
    const visitor = (options.kind ?? 'visitor') === 'visitor' && (await store.scalar<number>('select count(*) from sessions where visitor_id = $v', {v: id})) > 0
    if (visitor && (code === 'NO_PERSON' || code === 'SHARED_ID')) return null
    throw error
  }
}

export async function journeyReport(store: Store, id: string, options: JourneyOptions = {}): Promise<JourneyResult> {
  await requireTables(store, ['sessions', 'events'])
  const range = sqlRange(options)
  const person = await personOf(store, id, options)
  const visitorId = person ? (person.matched.kind === 'visitor' ? id : null) : id
  const mine = `where customer_id = $person and kind`
  const scenarioMatches = (await store.tableExists('scenario_matches'))
    ? 'scenario_matches'
    : '(select null::VARCHAR as session_id, null::TIMESTAMP as started_at, null::VARCHAR as scenario_id, null::VARCHAR as action_type, null::VARCHAR as message where false)'
  const sql = renderSql(readSql(import.meta.url, 'journey.sql'), {
    site_filter: siteFilter(options.site),
    site_filter_nullable: siteFilter(options.site, 'site', true),
    scenario_matches: scenarioMatches,
    skip_clicks: options.clicks ? "'heartbeat'" : "'click'",
    visitors: person ? `select id from customer_ids ${mine} = 'visitor'` : 'select $visitor as id',
    records: person
      ? `select kind, id from customer_ids ${mine} in ('conversation', 'call', 'lead', 'order')`
      : 'select null::VARCHAR as kind, null::VARCHAR as id where false',
  })
  const rows = await store.all(sql, person ? {...range, person: person.customer_id} : {...range, visitor: id})
  if (rows.length === 0) {
    const shown = person ? `person ${person.customer_id}` : `visitor ${id}`
    const known = person || (await store.scalar<number>('select count(*) from sessions where visitor_id = $visitor', {visitor: id})) > 0
    throw new CcxError(
      known ? `${shown} has no activity between ${range.from} and ${range.to}${options.site ? ` on site ${options.site}` : ''}` : `no visitor ${id} in ${store.path}`,
      {
        code: 'NO_VISITOR',
        exit: EXIT.usage,
        suggestions: [
          "Give a visitor id (the probe's visitor_id) or, once `ccx run identities` has run, a member or customer id, a phone, or a chat, call, lead or order id; widen --from/--to or drop --site.",
        ],
      },
    )
  }
  const visitors = person
    ? (await store.all<{id: string}>(`select id from customer_ids ${mine} = 'visitor' order by id`, {person: person.customer_id})).map((r) => r.id)
    : [id]
  const steps: JourneyStep[] = rows.map((r) => ({
    ts: iso(r.ts),
    session_id: (r.session_id as string | null) ?? null,
    visitor_id: (r.visitor_id as string | null) ?? null,
    visit_number: numOrNull(r.visit_number),
    kind: String(r.kind),
    channel: (r.channel as string | null) ?? null,
    url: (r.url as string | null) ?? null,
    detail: (r.detail as string | null) ?? null,
    dwell_s: numOrNull(r.dwell_s),
  }))
  // chats, calls, leads and orders from the CRM belong to the visit that started last before them (as in steps.sql):
  // of their own visitor id when they name one, else of any of the person's devices
  let current: JourneyStep | undefined
  const currentOf = new Map<string, JourneyStep>()
  for (const step of steps) {
    if (step.kind === 'visit') {
      current = step
      currentOf.set(step.visitor_id ?? '', step)
    } else if (step.visit_number === null) {
      const visit = step.visitor_id ? currentOf.get(step.visitor_id) : current
      if (visit) {
        step.visit_number = visit.visit_number
        step.session_id = visit.session_id
      }
    }
  }
  const visits = steps.filter((s) => s.kind === 'visit')
  return {
    visitor_id: visitorId,
    customer_id: person?.customer_id ?? null,
    matched: person?.matched ?? {kind: 'visitor', id},
    visitors,
    site: options.site ?? null,
    visits: visits.length,
    first_seen: steps[0]?.ts ?? null,
    last_seen: steps.at(-1)?.ts ?? null,
    steps,
  }
}

/** Vega-Lite: the timeline as one lane per kind of step. */
export function journeyChart(result: JourneyResult): object {
  const values = result.steps.map((s) => ({...s, ts: s.ts.replace(' ', 'T'), visit: s.visit_number === null ? 'before the first visit' : `visit ${s.visit_number}`}))
  return {
    title: result.customer_id ? `Journey of ${result.customer_id}` : `Journey of visitor ${result.visitor_id}`,
    data: {values},
    width: 560,
    mark: {type: 'point', filled: true, size: 70},
    encoding: {
      x: {field: 'ts', type: 'temporal', title: null},
      y: {field: 'kind', type: 'nominal', title: null, sort: ['visit', 'page', 'click', 'invite_shown', 'directive', 'invite_accepted', 'invite_declined', 'chat_request', 'chat', 'chat_start', 'message', 'call', 'register', 'lead', 'order', 'exit']},
      color: result.visitors.length > 1 ? {field: 'visitor_id', type: 'nominal', title: 'device'} : {field: 'visit', type: 'nominal', title: null},
      tooltip: [
        {field: 'ts', type: 'temporal', format: '%Y-%m-%d %H:%M:%S'},
        {field: 'kind'},
        {field: 'channel'},
        {field: 'visitor_id'},
        {field: 'url'},
        {field: 'detail'},
        {field: 'dwell_s'},
      ],
    },
  }
}

/** `ccx report journey ID`: one person's (or one visitor's) timeline across channels. */
export default defineReport<JourneyOptions & {id: string}, JourneyResult>({
  id: 'marketing/journey',
  title: 'Journey',
  needs: {tables: ['sessions', 'events'], pipelines: ['normalize'], optional: ['scenarios', 'identities']},
  run: (ctx, options) => journeyReport(ctx.store, options.id, options),
  rows: (result) => result.steps as unknown as Row[],
  text: (result) => [
    {
      lines: [
        result.customer_id
          ? `person ${result.customer_id} (found by ${result.matched.kind} ${result.matched.id}; devices ${result.visitors.join(', ') || '—'}): ${result.visits} visit(s), ${result.first_seen} → ${result.last_seen}`
          : `visitor ${result.visitor_id}: ${result.visits} visit(s), ${result.first_seen} → ${result.last_seen}`,
      ],
      rows: result.steps as unknown as Row[],
      columns: result.visitors.length > 1 ? ['ts', 'visitor_id', 'visit_number', 'kind', 'channel', 'url', 'detail', 'dwell_s'] : ['ts', 'visit_number', 'kind', 'channel', 'url', 'detail', 'dwell_s'],
    },
  ],
  charts: (result) => [journeyChart(result)],
})
