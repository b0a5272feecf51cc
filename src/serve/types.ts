import type {StateStore, VisitorState} from './state.js'
import type {ProbeDirective} from '../vocab/directives.js'
import type {ProbeBatch} from '../vocab/probe-batch.js'

/** What the scenario side answers for one batch (see responder.ts): the shape is src/vocab's. */
export type Directive = ProbeDirective

/** One visitor of the live feed (GET /live): the latest batch's view of them. */
export interface LiveVisitor {
  site: string
  visitorId: string
  /** ISO time the server received the batch. */
  lastSeen: string
  url?: string
  intent?: string
  province?: string | null
  city?: string | null
  source?: string | null
  term?: string | null
  visitNumber: number
  /** Scenario ids fired for this visitor while on site (the feed keeps them across the visitor's later batches). */
  directives: string[]
  /** The directives this batch fired (in `visitor` events; the feed derives `directives` and its totals from them). */
  fired?: Array<{id: string; scenarioId: string; type: string; agentId?: string | null}>
  /** Site-local time of the batch (as in the event log). */
  ts?: string
}

/** One directive fired, as the live feed lists it (`ccx top`). */
export interface FiredDirective {
  /** Site-local time, as in the event log. */
  ts: string
  site: string
  visitorId: string
  province?: string | null
  city?: string | null
  intent?: string
  id: string
  scenarioId: string
  type: string
  agentId?: string | null
}

/** The feed's counters: the same numbers /metrics shows (`ccx_visitors_online`, `ccx_directives_total`). */
export interface LiveStats {
  /** Visitors seen within the window. */
  online: number
  /** Directives fired since serve started, by type. */
  totals: Record<string, number>
  /** Server time (ISO) and the window, so a client drops the visitors the server no longer counts. */
  now: string
  windowMs: number
}

export interface ResponderAnswer {
  directives: Directive[]
  state: VisitorState
  live: Omit<LiveVisitor, 'lastSeen' | 'site' | 'visitorId'>
  /** When the batch arrived, local time of the site's zone (the events' ts in the log). */
  ts: string
  /** Accepted events. */
  count: number
  /** The person's record to save, when the visitor is a known member (see memberKey). */
  member?: {id: string; state: VisitorState}
}

export interface Responder {
  /** Synchronous when nothing needs I/O (memory state); a promise otherwise (e.g. agent loads from Redis). */
  respond(input: {
    batch: ProbeBatch
    ip: string
    userAgent: string
    nowMs: number
    previous: VisitorState | undefined
    /** The record of the member this visitor logged in as (this batch or before), when there is one. */
    member?: VisitorState | undefined
  }): ResponderAnswer | Promise<ResponderAnswer>
}

export type {StateStore, VisitorState}
