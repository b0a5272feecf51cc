import type {StateStore, VisitorState} from './state.js'
import type {ProbeDirective} from '../vocab/directives.js'
import type {ProbeBatch} from '../vocab/probe-batch.js'

/** What the scenario side answers for one batch (see responder.ts): the shape is src/vocab's. */
export type Directive = ProbeDirective

export interface LiveVisitor {
  site: string
  visitorId: string
  lastSeen: string
  url?: string
  intent?: string
  province?: string | null
  city?: string | null
  source?: string | null
  term?: string | null
  visitNumber: number
  directives: string[]
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
