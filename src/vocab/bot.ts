/**
 * The FAQ bot's request and its logged exchange (docs/selfservice.md, "In ccx serve"): what the probe's chat panel
 * POSTs to /bot, and the props of the `bot_exchange` event serve logs for it (read back by the `bot_exchanges` view
 * of migration 191). Pure, hand-written validation (the hot path), naming the field at fault.
 */
import {BatchError} from './probe-batch.js'

export const BOT_LIMITS = {questionLength: 500, idLength: 128}

export const BOT_REASONS = ['matched', 'low_confidence', 'asked_for_person', 'empty'] as const
export type BotReason = (typeof BOT_REASONS)[number]

/** The visitor's verdict on an answer (`bot_feedback` event, props {"vote": …}, ref_id = the exchange id). */
export const BOT_VOTES = ['up', 'down'] as const

export interface BotRequest {
  site: string
  key?: string
  visitor_id: string
  question: string
  /** The previous exchange of this conversation: its question and the entry that answered it. */
  context?: {question?: string; entry_id?: string}
}

/** Props of a `bot_exchange` event. */
export interface BotExchangeProps {
  exchange_id: string
  question: string
  context: string | null
  entry_id: string | null
  entry_version: number | null
  confidence: number
  handed_over: boolean
  reason: BotReason
  follow_up: boolean
  alternatives: string[]
}

const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= BOT_LIMITS.idLength
const isText = (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0 && v.length <= BOT_LIMITS.questionLength

export function validateBotRequest(body: unknown): BotRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BatchError(422, '(body)', 'body must be a JSON object')
  const b = body as Record<string, unknown>
  if (!isId(b.site)) throw new BatchError(422, 'site', 'site must be a non-empty string of at most 128 characters')
  if (!isId(b.visitor_id)) throw new BatchError(422, 'visitor_id', 'visitor_id must be a non-empty string of at most 128 characters')
  if (b.key !== undefined && typeof b.key !== 'string') throw new BatchError(422, 'key', 'key must be a string')
  if (typeof b.question === 'string' && b.question.length > BOT_LIMITS.questionLength)
    throw new BatchError(413, 'question', `question longer than ${BOT_LIMITS.questionLength} characters`)
  if (!isText(b.question)) throw new BatchError(422, 'question', 'question must be a non-empty string')
  let context: BotRequest['context']
  if (b.context !== undefined && b.context !== null) {
    if (typeof b.context !== 'object' || Array.isArray(b.context)) throw new BatchError(422, 'context', 'context must be an object')
    const c = b.context as Record<string, unknown>
    if (c.question !== undefined && c.question !== null && !isText(c.question))
      throw new BatchError(422, 'context.question', `context.question must be a string of 1 to ${BOT_LIMITS.questionLength} characters`)
    if (c.entry_id !== undefined && c.entry_id !== null && !isId(c.entry_id))
      throw new BatchError(422, 'context.entry_id', 'context.entry_id must be an entry id')
    context = {
      ...(typeof c.question === 'string' ? {question: c.question} : {}),
      ...(typeof c.entry_id === 'string' ? {entry_id: c.entry_id} : {}),
    }
  }
  return {site: b.site, key: b.key as string | undefined, visitor_id: b.visitor_id, question: b.question, ...(context ? {context} : {})}
}
