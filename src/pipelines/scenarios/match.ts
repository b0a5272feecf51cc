import type {CompiledScenarios} from '../../scenarios/engine.js'
import type {Directive} from '../../vocab/directives.js'
import {readSql, renderSql, type Store} from '../../store/store.js'

export type SessionContextRow = {
  session_id: string
  site: string
  visitor_id: string
  intent: string | null
  confidence: number
  province: string | null
  city: string | null
  source: string | null
  medium: string | null
  term: string | null
  visit_number: number
  dwell_s: number
  pages: number
  url: string | null
  hour: number
  device: string | null
  previous_agent: string | null
}

export interface SessionMatch {
  row: SessionContextRow
  directives: Directive[]
}

/**
 * Runs the pure engine over stored sessions, one evaluation per session (its end state: total pages and
 * duration), carrying the limits state per visitor in time order. Bots get no directives and are not counted.
 */
export async function matchSessions(
  store: Store,
  compiled: CompiledScenarios,
  range: {from?: string; to?: string} = {},
): Promise<SessionMatch[]> {
  const {evaluate, emptyState} = await import('../../scenarios/engine.js')
  const hasIntents = await store.tableExists('session_intents')
  // the engine's order: visitor by visitor, each visitor's sessions in time order
  let sql = `select * from (${renderSql(readSql(import.meta.url, 'contexts.sql'), {only: 'true', sessions: 'sessions'})})
    order by site, visitor_id, started_at, session_id`
  if (!hasIntents)
    sql = sql.replace(
      'left join session_intents i using (session_id)',
      'left join (select null::VARCHAR as session_id, null::VARCHAR as intent, null::DOUBLE as confidence) i using (session_id)',
    )
  // Row objects straight from the reader: every column is VARCHAR/INTEGER/DOUBLE, so no value conversion is needed
  // (Store.all's generic conversion costs more than the query on large session tables).
  const reader = await store.connection.runAndReadAll(sql, {from: range.from ?? null, to: range.to ?? null} as never)
  const rows = reader.getRowObjectsJS() as unknown as SessionContextRow[]
  const out: SessionMatch[] = []
  let visitorKey = ''
  let state = emptyState()
  for (const row of rows) {
    const key = `${row.site}\u0000${row.visitor_id}`
    if (key !== visitorKey) {
      visitorKey = key
      state = emptyState()
    }
    const r = evaluate(
      {
        intent: row.intent,
        confidence: row.confidence,
        province: row.province,
        city: row.city,
        source: row.source,
        medium: row.medium,
        term: row.term,
        visitNumber: row.visit_number,
        dwellS: row.dwell_s,
        pages: row.pages,
        url: row.url,
        hour: row.hour,
        device: row.device,
        previousAgent: row.previous_agent,
      },
      compiled,
      state,
    )
    state = r.state
    out.push({row, directives: r.directives})
  }
  return out
}
