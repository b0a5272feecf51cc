import type {FiredDirective, LiveStats, LiveVisitor} from './types.js'

/**
 * What `ccx top` shows, built from the /live events (pure: the Ink view and `--once` share it). The counters are the
 * server's (`stats`, the same numbers as /metrics), kept current between two `stats` events by the events themselves.
 */
export interface TopState {
  visitors: ReadonlyMap<string, LiveVisitor>
  /** Directives fired, oldest first (at most `keep`). */
  recent: readonly FiredDirective[]
  totals: Readonly<Record<string, number>>
  /** From the last `stats`/`directives` event: the server's clock and window (visitors beyond it are no longer on site). */
  serverNow?: string
  windowMs?: number
}

export type TopEvent =
  | {type: 'snapshot'; visitors: LiveVisitor[]}
  | {type: 'directives'; value: LiveStats & {recent: FiredDirective[]}}
  | {type: 'visitor'; value: LiveVisitor}
  | {type: 'directive'; value: FiredDirective}
  | {type: 'stats'; value: LiveStats}

const visitorKey = (v: {site: string; visitorId: string}) => `${v.site}\u0000${v.visitorId}`

export const emptyTop = (): TopState => ({visitors: new Map(), recent: [], totals: {}})

export function reduceTop(state: TopState, event: TopEvent, keep = 200): TopState {
  switch (event.type) {
    case 'snapshot':
      return {...state, visitors: new Map(event.visitors.map((v) => [visitorKey(v), v]))}
    case 'directives': {
      const {recent, ...stats} = event.value
      return withStats({...state, recent: recent.slice(-keep)}, stats)
    }
    case 'visitor': {
      const visitors = new Map(state.visitors)
      visitors.delete(visitorKey(event.value))
      visitors.set(visitorKey(event.value), event.value)
      return {...state, visitors}
    }
    case 'directive': {
      const d = event.value
      return {...state, recent: [...state.recent, d].slice(-keep), totals: {...state.totals, [d.type]: (state.totals[d.type] ?? 0) + 1}}
    }
    case 'stats':
      return withStats(state, event.value)
  }
}

/** The server's counters, and its visitors list without those it no longer counts as on site. */
function withStats(state: TopState, stats: LiveStats): TopState {
  const cutoff = Date.parse(stats.now) - stats.windowMs
  const visitors = new Map([...state.visitors].filter(([, v]) => Date.parse(v.lastSeen) >= cutoff))
  return {...state, visitors, totals: {...stats.totals}, serverNow: stats.now, windowMs: stats.windowMs}
}

export function totalFired(state: TopState): number {
  return Object.values(state.totals).reduce((a, b) => a + b, 0)
}

/** "card 2, invite 1" */
export function firedByType(state: TopState): string {
  return Object.entries(state.totals)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, n]) => `${type} ${n}`)
    .join(', ')
}

/** `HH:MM:SS` of a site-local `YYYY-MM-DD HH:MM:SS.mmm` (or an ISO time). */
export function clock(ts: string): string {
  return /\d{2}:\d{2}:\d{2}/.exec(ts)?.[0] ?? ts
}

export function placeOf(v: {city?: string | null; province?: string | null}): string {
  return v.city ?? v.province ?? '?'
}

/** Visitors, most recently seen first. */
export function visitorsByRecency(state: TopState): LiveVisitor[] {
  return [...state.visitors.values()].sort((a, b) => b.lastSeen.localeCompare(a.lastSeen))
}
