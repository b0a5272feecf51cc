/**
 * Erlang C queueing formulas (M/M/N, callers wait, no abandons), as used for contact-centre staffing.
 * Sources: A. K. Erlang (1917); the worked example reproduced by e.g. callcentrehelper.com
 * "Erlang C formula – made simple" (100 calls / 30 min, AHT 180 s, 80/20 → 14 agents).
 * Pure functions; no I/O.
 */

/** Offered traffic in Erlangs: arrival rate × mean handle time, over one interval. */
export function trafficErlangs(contacts: number, intervalSeconds: number, ahtSeconds: number): number {
  if (intervalSeconds <= 0) throw new Error('interval must be positive')
  return (contacts / intervalSeconds) * ahtSeconds
}

/** Erlang B blocking probability by the stable recursion B(k) = A·B(k−1) / (k + A·B(k−1)). */
export function erlangB(agents: number, traffic: number): number {
  let b = 1
  for (let k = 1; k <= agents; k++) b = (traffic * b) / (k + traffic * b)
  return b
}

/**
 * Erlang C: probability that a contact has to wait, P(wait) = N·B / (N − A·(1 − B)).
 * 1 when the agents cannot carry the traffic (N ≤ A): the queue grows without bound.
 */
export function erlangC(agents: number, traffic: number): number {
  if (traffic <= 0) return 0
  if (agents <= traffic) return 1
  const b = erlangB(agents, traffic)
  return (agents * b) / (agents - traffic * (1 - b))
}

/** Share of contacts answered within `thresholdSeconds`: 1 − P(wait)·e^(−(N−A)·T/AHT). */
export function serviceLevel(agents: number, traffic: number, ahtSeconds: number, thresholdSeconds: number): number {
  if (traffic <= 0) return 1
  if (agents <= traffic) return 0
  return 1 - erlangC(agents, traffic) * Math.exp((-(agents - traffic) * thresholdSeconds) / ahtSeconds)
}

/** Average speed of answer (seconds) over all contacts: P(wait)·AHT / (N − A). */
export function averageSpeedOfAnswer(agents: number, traffic: number, ahtSeconds: number): number {
  if (traffic <= 0) return 0
  if (agents <= traffic) return Number.POSITIVE_INFINITY
  return (erlangC(agents, traffic) * ahtSeconds) / (agents - traffic)
}

export interface StaffingInput {
  /** Contacts arriving in one interval. */
  contacts: number
  intervalSeconds: number
  ahtSeconds: number
  /** Service-level target as a share (0.8 = 80%). */
  target: number
  thresholdSeconds: number
  /** Share of paid time agents are not available (breaks, training, absence); 0 ≤ s < 1. */
  shrinkage?: number
  /** Upper bound on occupancy A/N (e.g. 0.85); 1 = no bound. */
  maxOccupancy?: number
  /** Contacts one agent handles at once (chats; ≥ 1, may be a measured average such as 1.6); 1 for calls. */
  concurrency?: number
}

export interface StaffingResult {
  trafficErlangs: number
  /** Agents (or chat slots ÷ concurrency) needed on the floor. */
  agents: number
  /** Agents to schedule: ⌈agents / (1 − shrinkage)⌉. */
  scheduled: number
  /** Whole handling positions Erlang C was run with: ⌊agents × concurrency⌋ (= agents for calls). */
  positions: number
  probabilityOfWaiting: number
  serviceLevel: number
  asaSeconds: number
  occupancy: number
  /** What set the number: the service-level target, the occupancy cap, or zero traffic. */
  limitedBy: 'service-level' | 'max-occupancy' | 'no-traffic'
}

/**
 * The smallest number of positions N with SL(N) ≥ target and A/N ≤ maxOccupancy, then agents = ⌈N / concurrency⌉,
 * positions = ⌊agents × concurrency⌋ (whole servers, ≥ N) and scheduled = ⌈agents / (1 − shrinkage)⌉. For chats the handle time is the chat's elapsed duration while the agent
 * holds it concurrently, so each agent is modelled as `concurrency` servers (documented in docs/metrics.md).
 */
export function staffing(input: StaffingInput): StaffingResult {
  const {contacts, intervalSeconds, ahtSeconds, target, thresholdSeconds} = input
  const shrinkage = input.shrinkage ?? 0
  const maxOccupancy = input.maxOccupancy ?? 1
  const concurrency = input.concurrency ?? 1
  if (!(concurrency >= 1 && Number.isFinite(concurrency))) throw new Error('concurrency must be a number ≥ 1')
  if (!(target > 0 && target < 1)) throw new Error('target must be a share between 0 and 1 (e.g. 0.8)')
  if (!(shrinkage >= 0 && shrinkage < 1)) throw new Error('shrinkage must be in [0, 1)')
  if (!(maxOccupancy > 0 && maxOccupancy <= 1)) throw new Error('max occupancy must be in (0, 1]')
  if (ahtSeconds <= 0) throw new Error('handle time must be positive')
  const traffic = trafficErlangs(contacts, intervalSeconds, ahtSeconds)
  if (traffic <= 0) {
    return {
      trafficErlangs: 0,
      agents: 0,
      scheduled: 0,
      positions: 0,
      probabilityOfWaiting: 0,
      serviceLevel: 1,
      asaSeconds: 0,
      occupancy: 0,
      limitedBy: 'no-traffic',
    }
  }
  let n = Math.max(1, Math.floor(traffic) + 1)
  while (serviceLevel(n, traffic, ahtSeconds, thresholdSeconds) < target) n++
  const bySl = n
  // Tiny epsilon: 10/0.8 must give 12.5 → 13, not 12.500000000000002 → 13 by luck or 14 by float error.
  const byOccupancy = Math.ceil(traffic / maxOccupancy - 1e-9)
  if (byOccupancy > n) n = byOccupancy
  // Erlang C needs whole servers: `agents` agents holding `concurrency` chats each (an average may be fractional, e.g. a
  // measured 1.6) offer ⌊agents × concurrency⌋ positions, which is ≥ n because agents ≥ n / concurrency.
  const agents = Math.ceil(n / concurrency - 1e-9)
  const positions = Math.floor(agents * concurrency + 1e-9)
  return {
    trafficErlangs: traffic,
    agents,
    scheduled: Math.ceil(agents / (1 - shrinkage) - 1e-9),
    positions,
    probabilityOfWaiting: erlangC(positions, traffic),
    serviceLevel: serviceLevel(positions, traffic, ahtSeconds, thresholdSeconds),
    asaSeconds: averageSpeedOfAnswer(positions, traffic, ahtSeconds),
    occupancy: traffic / positions,
    limitedBy: byOccupancy > bySl ? 'max-occupancy' : 'service-level',
  }
}
