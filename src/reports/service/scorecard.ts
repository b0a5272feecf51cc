/**
 * Weighted agent scorecard (pure). Each metric becomes a 0–100 percentile score among the agents that have enough
 * contacts; the total is the weighted mean over the metrics an agent has a value for (weights renormalised).
 */

export const METRICS = {
  handled: {category: 'volume', better: 'higher', label: 'contacts handled'},
  aht_s: {category: 'speed', better: 'lower', label: 'call AHT (s)'},
  first_response_s: {category: 'speed', better: 'lower', label: 'chat first response (s)'},
  reply_s: {category: 'speed', better: 'lower', label: 'chat reply time (s)'},
  fcr: {category: 'quality', better: 'higher', label: 'first-contact resolution'},
  resolution_rate: {category: 'quality', better: 'higher', label: 'resolved'},
  qa_score: {category: 'quality', better: 'higher', label: 'QA score (report qa)'},
  csat_top2: {category: 'satisfaction', better: 'higher', label: 'CSAT top-2-box'},
  lead_rate: {category: 'conversion', better: 'higher', label: 'contacts → lead'},
  order_rate: {category: 'conversion', better: 'higher', label: 'contacts → order'},
  adherence: {category: 'adherence', better: 'higher', label: 'script adherence'},
} as const
export type MetricId = keyof typeof METRICS

export interface ScorecardMetric {
  id: MetricId
  weight: number
}
export interface Scorecard {
  /** Agents with fewer handled contacts are shown but not scored or ranked. */
  minContacts: number
  /** A profile tag needs at least this many contacts of the agent in the segment. */
  minSegmentContacts: number
  /** A profile tag needs the agent's conversion ≥ this × the team's in the segment. */
  minTagLift: number
  metrics: ScorecardMetric[]
}

export function parseScorecard(raw: unknown, where: string): Scorecard {
  const fail = (msg: string): never => {
    throw new Error(`${where}: ${msg}`)
  }
  if (!raw || typeof raw !== 'object') fail('must be a JSON object with "metrics"')
  const o = raw as Record<string, unknown>
  const metrics = Array.isArray(o.metrics) ? o.metrics : fail('"metrics" must be an array of {id, weight}')
  const parsed = (metrics as unknown[]).map((m, i) => {
    const e = m as Record<string, unknown>
    if (typeof e?.id !== 'string' || !(e.id in METRICS))
      fail(`metrics[${i}].id "${String(e?.id)}" is not one of ${Object.keys(METRICS).join(', ')}`)
    if (typeof e.weight !== 'number' || !(e.weight >= 0)) fail(`metrics[${i}].weight must be a number ≥ 0`)
    return {id: e.id as MetricId, weight: e.weight as number}
  })
  if (parsed.reduce((a, m) => a + m.weight, 0) <= 0) fail('the weights sum to zero')
  const minContacts = o.minContacts === undefined ? 20 : Number(o.minContacts)
  const minSegmentContacts = o.minSegmentContacts === undefined ? 5 : Number(o.minSegmentContacts)
  if (!(minContacts >= 1)) fail('"minContacts" must be ≥ 1')
  const minTagLift = o.minTagLift === undefined ? 1.2 : Number(o.minTagLift)
  if (!(minSegmentContacts >= 1)) fail('"minSegmentContacts" must be ≥ 1')
  if (!(minTagLift >= 1)) fail('"minTagLift" must be ≥ 1')
  return {minContacts, minSegmentContacts, minTagLift, metrics: parsed}
}

/**
 * Mid-rank percentile: 100 × (agents worse + ½ × other agents tied) ÷ (n − 1); 50 when only one agent has a value.
 * Null values get no score.
 */
export function percentileScores(values: Array<number | null>, better: 'higher' | 'lower'): Array<number | null> {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v))
  const n = present.length
  return values.map((v) => {
    if (v === null || !Number.isFinite(v)) return null
    if (n === 1) return 50
    let worse = 0
    let tied = -1 // itself
    for (const w of present) {
      if (w === v) tied++
      else if (better === 'higher' ? w < v : w > v) worse++
    }
    return (100 * (worse + tied / 2)) / (n - 1)
  })
}

export interface AgentInput {
  agent_id: string
  handled: number
  metrics: Partial<Record<MetricId, number | null>>
}

export interface AgentScore {
  agent_id: string
  handled: number
  ranked: boolean
  reason?: string
  score: number | null
  rank: number | null
  subScores: Partial<Record<MetricId, number | null>>
}

export function scoreAgents(agents: AgentInput[], card: Scorecard): AgentScore[] {
  const eligible = agents.filter((a) => a.handled >= card.minContacts)
  const sub = new Map<string, Partial<Record<MetricId, number | null>>>(eligible.map((a) => [a.agent_id, {}]))
  for (const m of card.metrics) {
    const scores = percentileScores(
      eligible.map((a) => a.metrics[m.id] ?? null),
      METRICS[m.id].better,
    )
    eligible.forEach((a, i) => (sub.get(a.agent_id)![m.id] = scores[i]))
  }
  const out: AgentScore[] = agents.map((a) => {
    const s = sub.get(a.agent_id)
    if (!s)
      return {
        agent_id: a.agent_id,
        handled: a.handled,
        ranked: false,
        reason: `fewer than ${card.minContacts} contacts`,
        score: null,
        rank: null,
        subScores: {},
      }
    let num = 0
    let den = 0
    for (const m of card.metrics) {
      const v = s[m.id]
      if (v === null || v === undefined || m.weight === 0) continue
      num += m.weight * v
      den += m.weight
    }
    return {
      agent_id: a.agent_id,
      handled: a.handled,
      ranked: den > 0,
      reason: den > 0 ? undefined : 'no scored metric',
      score: den > 0 ? num / den : null,
      rank: null,
      subScores: s,
    }
  })
  const ranked = out.filter((a) => a.ranked).sort((x, y) => y.score! - x.score! || x.agent_id.localeCompare(y.agent_id))
  // Competition ranking: equal scores share a rank (1, 2, 2, 4).
  ranked.forEach((a, i) => (a.rank = i > 0 && Math.abs(ranked[i - 1].score! - a.score!) < 1e-9 ? ranked[i - 1].rank : i + 1))
  return out
}
