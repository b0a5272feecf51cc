import {isProbeEventType} from './events.js'
import {SurveyEventPropsSchema} from './surveys.js'

/**
 * Validation of probe batches (what the probe POSTs to `serve`, and what each event-log line holds): pure,
 * hand-written (hot path), with the field at fault in each error. `serve` answers with it; `ingest --from-log`
 * checks each logged batch again with it.
 */

export const LIMITS = {
  idLength: 128,
  urlLength: 2048,
  titleLength: 512,
  selectorLength: 256,
  propsLength: 4096,
  eventsPerBatch: 100,
}

export interface ProbeEventIn {
  id?: string
  type: string
  ts?: number
  url?: string
  title?: string
  referrer?: string
  x?: number
  y?: number
  selector?: string
  member_id?: string
  directive_id?: string
  ref_id?: string
  value?: number
  props?: string
}

export interface ProbeBatch {
  site: string
  key?: string
  visitor_id: string
  visit_count?: number
  events: ProbeEventIn[]
}

export interface Rejection {
  index: number
  field: string
  reason: string
}

export class BatchError extends Error {
  constructor(
    readonly status: number,
    readonly field: string,
    message: string,
  ) {
    super(message)
  }
}

const STRING_FIELDS: Array<[keyof ProbeEventIn, number]> = [
  ['id', LIMITS.idLength],
  ['url', LIMITS.urlLength],
  ['title', LIMITS.titleLength],
  ['referrer', LIMITS.urlLength],
  ['selector', LIMITS.selectorLength],
  ['member_id', LIMITS.idLength],
  ['directive_id', LIMITS.idLength],
  ['ref_id', LIMITS.idLength],
  ['props', LIMITS.propsLength],
]

function isId(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= LIMITS.idLength
}

/** Checks the envelope (422 on wrong types) and each event (bad events are rejected, good ones kept). */
export function validateBatch(body: unknown): {batch: ProbeBatch; rejected: Rejection[]} {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BatchError(422, '(body)', 'body must be a JSON object')
  const b = body as Record<string, unknown>
  if (!isId(b.site)) throw new BatchError(422, 'site', 'site must be a non-empty string of at most 128 characters')
  if (!isId(b.visitor_id)) throw new BatchError(422, 'visitor_id', 'visitor_id must be a non-empty string of at most 128 characters')
  if (b.key !== undefined && typeof b.key !== 'string') throw new BatchError(422, 'key', 'key must be a string')
  if (
    b.visit_count !== undefined &&
    !(Number.isInteger(b.visit_count) && (b.visit_count as number) >= 0 && (b.visit_count as number) < 1e6)
  ) {
    throw new BatchError(422, 'visit_count', 'visit_count must be a non-negative integer')
  }
  if (!Array.isArray(b.events) || b.events.length === 0) throw new BatchError(422, 'events', 'events must be a non-empty array')
  if (b.events.length > LIMITS.eventsPerBatch) throw new BatchError(413, 'events', `at most ${LIMITS.eventsPerBatch} events per batch`)
  const events: ProbeEventIn[] = []
  const rejected: Rejection[] = []
  b.events.forEach((raw, index) => {
    const problem = checkEvent(raw)
    if (problem) rejected.push({index, ...problem})
    else events.push(raw as ProbeEventIn)
  })
  if (events.length === 0) {
    const first = rejected[0]
    throw new BatchError(
      422,
      `events[${first.index}].${first.field}`,
      `no valid event: events[${first.index}].${first.field}: ${first.reason}`,
    )
  }
  return {
    batch: {
      site: b.site,
      key: b.key as string | undefined,
      visitor_id: b.visitor_id,
      visit_count: b.visit_count as number | undefined,
      events,
    },
    rejected,
  }
}

function checkEvent(raw: unknown): {field: string; reason: string} | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return {field: '(event)', reason: 'must be an object'}
  const e = raw as Record<string, unknown>
  if (!isProbeEventType(e.type)) return {field: 'type', reason: `unknown event type ${JSON.stringify(e.type)?.slice(0, 40)}`}
  for (const [field, max] of STRING_FIELDS) {
    const v = e[field]
    if (v === undefined || v === null) continue
    if (typeof v !== 'string') return {field, reason: 'must be a string'}
    if (v.length > max) return {field, reason: `longer than ${max} characters`}
  }
  for (const field of ['ts', 'x', 'y', 'value'] as const) {
    const v = e[field]
    if (v !== undefined && v !== null && (typeof v !== 'number' || !Number.isFinite(v))) return {field, reason: 'must be a finite number'}
  }
  if (e.type === 'survey_shown' || e.type === 'survey_answer') return checkSurveyProps(e.props)
  return undefined
}

/** Survey events carry {survey, version, answers…} in props (docs/surveys.md): checked here so the log holds no junk. */
function checkSurveyProps(props: unknown): {field: string; reason: string} | undefined {
  let value: unknown
  try {
    value = JSON.parse(String(props ?? ''))
  } catch {
    return {field: 'props', reason: 'survey events need props: a JSON object with survey and version'}
  }
  const r = SurveyEventPropsSchema.safeParse(value)
  if (r.success) return undefined
  const issue = r.error.issues[0]
  return {field: ['props', ...issue.path.map(String)].join('.'), reason: issue.message}
}
