import type {KbEntry} from '../kb/entry.js'
import {BotIndex, type MatchOptions} from '../bot/index.js'
import type {Cut} from '../bot/text.js'

/** A customer message of past chat history and the agent reply that followed it, with the conversation's outcome. */
export interface PastExchange {
  conversationId: string
  group: string | null
  customer: string
  reply: string
  resolved: boolean | null
  /** A lead came from the conversation (raw_leads.conversation_id, or outcome lead/sale). */
  lead: boolean
  csat: number | null
}

export interface Suggestion {
  reply: string
  /** How like the new message the past customer message is (the bot's confidence measure, 0..1). */
  similarity: number
  /** Mean of the known outcome signals: resolved, lead, CSAT top-2-box (0.5 when none is known). */
  outcome: number
  /** similarity × (0.5 + 0.5 × outcome): docs/metrics.md "Agent assist". */
  score: number
  customerMessage: string
  conversationId: string
  group: string | null
  resolved: boolean | null
  lead: boolean
  csat: number | null
  /** Other past exchanges that gave the same reply to a similar message. */
  alsoUsed: number
}

export function outcomeScore(x: Pick<PastExchange, 'resolved' | 'lead' | 'csat'>): number {
  const signals: number[] = []
  if (x.resolved !== null) signals.push(x.resolved ? 1 : 0)
  signals.push(x.lead ? 1 : 0)
  if (x.csat !== null) signals.push(x.csat >= 4 ? 1 : 0)
  // lead is always known (false when no lead): with nothing else known the mean is 0 or 1; keep it from deciding alone
  if (signals.length === 1) signals.push(0.5)
  return signals.reduce((a, b) => a + b, 0) / signals.length
}

/** Indexes past customer messages once; `suggest` then ranks the replies that followed the most similar ones. */
export class ReplySuggester {
  private readonly index: BotIndex
  private readonly byMessage: PastExchange[][]

  constructor(exchanges: PastExchange[], options: {synonyms?: string[][]; cut?: Cut; match?: Partial<MatchOptions>} = {}) {
    const groups = new Map<string, PastExchange[]>()
    for (const x of exchanges) {
      const key = x.customer.trim()
      if (!key) continue
      const g = groups.get(key)
      if (g) g.push(x)
      else groups.set(key, [x])
    }
    this.byMessage = [...groups.values()]
    const entries: KbEntry[] = this.byMessage.map((g, k) => ({
      id: String(k),
      version: 0,
      question: g[0].customer,
      similar: [],
      answer: '',
      category: null,
      scene: null,
      links: [],
      followups: [],
    }))
    this.index = new BotIndex(entries, {...options, match: {answerWeight: 0, ...options.match}})
  }

  get messages(): number {
    return this.byMessage.length
  }

  suggest(message: string, options: {top?: number; candidates?: number; minSimilarity?: number; group?: string} = {}): Suggestion[] {
    const top = options.top ?? 5
    const min = options.minSimilarity ?? 0.2
    const byReply = new Map<string, Suggestion>()
    for (const hit of this.index.search(message, options.candidates ?? 50)) {
      if (hit.confidence < min) continue
      for (const x of this.byMessage[hit.index]) {
        if (options.group && x.group !== options.group) continue
        const outcome = outcomeScore(x)
        const score = hit.confidence * (0.5 + 0.5 * outcome)
        const key = x.reply.trim()
        const seen = byReply.get(key)
        if (seen) {
          seen.alsoUsed++
          if (score <= seen.score) continue
        }
        byReply.set(key, {
          reply: x.reply,
          similarity: hit.confidence,
          outcome: Math.round(outcome * 1e4) / 1e4,
          score: Math.round(score * 1e4) / 1e4,
          customerMessage: x.customer,
          conversationId: x.conversationId,
          group: x.group,
          resolved: x.resolved,
          lead: x.lead,
          csat: x.csat,
          alsoUsed: seen ? seen.alsoUsed : 0,
        })
      }
    }
    return [...byReply.values()].sort((a, b) => b.score - a.score || a.reply.localeCompare(b.reply)).slice(0, top)
  }
}
