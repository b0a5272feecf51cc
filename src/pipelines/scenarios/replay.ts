import type {CompiledScenarios} from '../../scenarios/engine.js'
import {readSql, renderSql, type Store} from '../../store/store.js'
import {matchSessions} from './match.js'

export interface ReplayScenarioRow {
  scenarioId: string
  /** Sessions in which the scenario fired (at most once per session in a replay). */
  sessions: number
  directives: number
  share: number
  converted: number
  conversion: number
}

export interface ReplayGroup {
  sessions: number
  converted: number
  conversion: number
}

export interface ReplayReport {
  from?: string
  to?: string
  sessions: number
  matched: ReplayGroup
  unmatched: ReplayGroup
  /** conversion(matched) / conversion(unmatched); null when unmatched converted none. */
  lift: number | null
  byScenario: ReplayScenarioRow[]
  byAction: Record<string, number>
}

const rate = (n: number, d: number) => (d === 0 ? 0 : n / d)

/**
 * How often each scenario would have fired over stored sessions (non-bot, started in [from, to)), and the
 * conversion (lead or order in the session or by the visitor later) of matched vs unmatched sessions.
 * matched.sessions + unmatched.sessions = sessions.
 */
export async function replayScenarios(
  store: Store,
  compiled: CompiledScenarios,
  range: {from?: string; to?: string} = {},
): Promise<ReplayReport> {
  const matches = await matchSessions(store, compiled, range)
  const outcomes = new Map<string, boolean>()
  const reader = await store.connection.runAndReadAll(
    renderSql(readSql(import.meta.url, 'outcomes.sql'), {only: 'true', sessions: 'sessions', events: 'events'}),
  )
  for (const r of reader.getRowObjectsJS() as unknown as Array<{session_id: string; converted: boolean}>)
    outcomes.set(r.session_id, r.converted)
  const matched = {sessions: 0, converted: 0}
  const unmatched = {sessions: 0, converted: 0}
  const per = new Map<string, {sessions: number; directives: number; converted: number}>()
  const byAction: Record<string, number> = {}
  for (const m of matches) {
    const converted = outcomes.get(m.row.session_id) === true
    const g = m.directives.length > 0 ? matched : unmatched
    g.sessions++
    if (converted) g.converted++
    const seen = new Set<string>()
    for (const d of m.directives) {
      const p = per.get(d.scenarioId) ?? {sessions: 0, directives: 0, converted: 0}
      p.directives++
      if (!seen.has(d.scenarioId)) {
        seen.add(d.scenarioId)
        p.sessions++
        if (converted) p.converted++
      }
      per.set(d.scenarioId, p)
      byAction[d.type] = (byAction[d.type] ?? 0) + 1
    }
  }
  const total = matches.length
  const byScenario = compiled.scenarios.map((s) => {
    const p = per.get(s.id) ?? {sessions: 0, directives: 0, converted: 0}
    return {
      scenarioId: s.id,
      sessions: p.sessions,
      directives: p.directives,
      share: rate(p.sessions, total),
      converted: p.converted,
      conversion: rate(p.converted, p.sessions),
    }
  })
  const mc = rate(matched.converted, matched.sessions)
  const uc = rate(unmatched.converted, unmatched.sessions)
  return {
    from: range.from,
    to: range.to,
    sessions: total,
    matched: {...matched, conversion: mc},
    unmatched: {...unmatched, conversion: uc},
    lift: uc === 0 ? null : mc / uc,
    byScenario,
    byAction,
  }
}
