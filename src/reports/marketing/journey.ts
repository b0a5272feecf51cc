import {CcxError, EXIT} from '../../errors.js'
import {readSql, renderSql, type Store} from '../../store/store.js'
import {requireTables, siteFilter} from '../common.js'
import {sqlRange, type DateRange} from '../range.js'
import {defineReport, type Row} from '../contract.js'
import {numOrNull} from './common.js'

export interface JourneyOptions extends DateRange {
  site?: string
  /** Include click events (left out by default: they crowd the timeline). */
  clicks?: boolean
}

export interface JourneyStep {
  ts: string
  session_id: string | null
  visit_number: number | null
  /** visit, page, click, invite_shown/accepted/declined, directive, chat_request, chat_start, chat, message, call, lead, register, order, identify, exit */
  kind: string
  url: string | null
  detail: string | null
  /** page: seconds on the page; chat/call: seconds from answer (or request) to end; exit: visit duration */
  dwell_s: number | null
}

export interface JourneyResult {
  visitor_id: string
  site: string | null
  visits: number
  first_seen: string | null
  last_seen: string | null
  steps: JourneyStep[]
}

const iso = (v: unknown): string => (v instanceof Date ? v.toISOString().replace('T', ' ').slice(0, 19) : String(v))

export async function journeyReport(store: Store, visitorId: string, options: JourneyOptions = {}): Promise<JourneyResult> {
  await requireTables(store, ['sessions', 'events'])
  const range = sqlRange(options)
  const scenarioMatches = (await store.tableExists('scenario_matches'))
    ? 'scenario_matches'
    : '(select null::VARCHAR as session_id, null::TIMESTAMP as started_at, null::VARCHAR as scenario_id, null::VARCHAR as action_type, null::VARCHAR as message where false)'
  const sql = renderSql(readSql(import.meta.url, 'journey.sql'), {
    site_filter: siteFilter(options.site),
    site_filter_nullable: siteFilter(options.site, 'site', true),
    scenario_matches: scenarioMatches,
    skip_clicks: options.clicks ? "'heartbeat'" : "'click'",
  })
  const rows = await store.all(sql, {...range, visitor: visitorId})
  if (rows.length === 0) {
    const known = await store.scalar<number>('select count(*) from sessions where visitor_id = $visitor', {visitor: visitorId})
    throw new CcxError(
      known > 0 ? `visitor ${visitorId} has no activity between ${range.from} and ${range.to}${options.site ? ` on site ${options.site}` : ''}` : `no visitor ${visitorId} in ${store.path}`,
      {code: 'NO_VISITOR', exit: EXIT.usage, suggestions: ['Visitor ids are the probe\'s visitor_id (see `ccx report … --json` or the sessions table); widen --from/--to or drop --site.']},
    )
  }
  const steps: JourneyStep[] = rows.map((r) => ({
    ts: iso(r.ts),
    session_id: (r.session_id as string | null) ?? null,
    visit_number: numOrNull(r.visit_number),
    kind: String(r.kind),
    url: (r.url as string | null) ?? null,
    detail: (r.detail as string | null) ?? null,
    dwell_s: numOrNull(r.dwell_s),
  }))
  // chats, calls, leads and orders from the CRM belong to the visit that started last before them (as in steps.sql)
  let current: JourneyStep | undefined
  for (const step of steps) {
    if (step.kind === 'visit') current = step
    else if (step.visit_number === null && current) {
      step.visit_number = current.visit_number
      step.session_id = current.session_id
    }
  }
  const visits = steps.filter((s) => s.kind === 'visit')
  return {
    visitor_id: visitorId,
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
    title: `Journey of visitor ${result.visitor_id}`,
    data: {values},
    width: 560,
    mark: {type: 'point', filled: true, size: 70},
    encoding: {
      x: {field: 'ts', type: 'temporal', title: null},
      y: {field: 'kind', type: 'nominal', title: null, sort: ['visit', 'page', 'click', 'invite_shown', 'directive', 'invite_accepted', 'invite_declined', 'chat_request', 'chat', 'chat_start', 'message', 'call', 'register', 'lead', 'order', 'exit']},
      color: {field: 'visit', type: 'nominal', title: null},
      tooltip: [{field: 'ts', type: 'temporal', format: '%Y-%m-%d %H:%M:%S'}, {field: 'kind'}, {field: 'url'}, {field: 'detail'}, {field: 'dwell_s'}],
    },
  }
}

/** `ccx report journey VISITOR`: one visitor's timeline. */
export default defineReport<JourneyOptions & {visitor: string}, JourneyResult>({
  id: 'marketing/journey',
  title: 'Visitor journey',
  needs: {tables: ['sessions', 'events'], pipelines: ['normalize'], optional: ['scenarios']},
  run: (ctx, options) => journeyReport(ctx.store, options.visitor, options),
  rows: (result) => result.steps as unknown as Row[],
  text: (result) => [
    {
      lines: [`visitor ${result.visitor_id}: ${result.visits} visit(s), ${result.first_seen} → ${result.last_seen}`],
      rows: result.steps as unknown as Row[],
      columns: ['ts', 'visit_number', 'kind', 'url', 'detail', 'dwell_s'],
    },
  ],
  charts: (result) => [journeyChart(result)],
})
