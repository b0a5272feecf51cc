/**
 * Call transcripts and chat messages as the conversations the QA detector reads, and the detector's findings measured
 * against a labelled sample. Pure; formulas in docs/metrics.md "Quality inspection".
 */
import type {QaConversation, QaResult} from './detect.js'

export type CallTurnRow = {
  conversation_id: string
  agent_id: string | null
  turn_no: number
  speaker: string
  start_ms: number | null
  end_ms: number | null
  text: string | null
}

export type ChatMessageRow = {
  conversation_id: string
  agent_id: string | null
  seq: number
  /** Message time in epoch milliseconds. */
  ts_ms: number
  /** visitor | agent | bot | system */
  sender_type: string
  text: string | null
}

/** Calls keep their turn timings; a chat's message times count from its first message, the visitor is the customer. */
export function toConversations(turns: CallTurnRow[], messages: ChatMessageRow[]): QaConversation[] {
  const out = new Map<string, QaConversation>()
  for (const t of turns) {
    let c = out.get(t.conversation_id)
    if (!c) out.set(t.conversation_id, (c = {id: t.conversation_id, channel: 'call', agentId: t.agent_id, turns: []}))
    c.turns.push({
      turnNo: Number(t.turn_no),
      speaker: t.speaker,
      startMs: t.start_ms === null ? null : Number(t.start_ms),
      endMs: t.end_ms === null ? null : Number(t.end_ms),
      text: t.text,
    })
  }
  const first = new Map<string, number>()
  for (const m of messages) first.set(m.conversation_id, Math.min(first.get(m.conversation_id) ?? Infinity, Number(m.ts_ms)))
  for (const m of messages) {
    let c = out.get(m.conversation_id)
    if (!c) out.set(m.conversation_id, (c = {id: m.conversation_id, channel: 'chat', agentId: m.agent_id, turns: []}))
    c.turns.push({
      turnNo: Number(m.seq),
      speaker: m.sender_type === 'visitor' ? 'customer' : m.sender_type,
      startMs: Number(m.ts_ms) - first.get(m.conversation_id)!,
      endMs: null,
      text: m.text,
    })
  }
  return [...out.values()].sort((a, b) => a.id.localeCompare(b.id))
}

export interface LabelledFinding {
  conversation: string
  rule: string
  /** The turn (message) of the violation; null for a required item that is missing. */
  turn: number | null
}

export interface QaMeasure {
  tp: number
  fp: number
  fn: number
  /** tp / (tp + fp); null when nothing was found. */
  precision: number | null
  /** tp / (tp + fn); null when nothing was labelled. */
  recall: number | null
  perRule: Array<{rule: string; tp: number; fp: number; fn: number}>
  falsePositives: LabelledFinding[]
  missed: LabelledFinding[]
}

/**
 * A finding matches a label when conversation, rule and turn agree (a missing item: conversation and rule). Only the
 * labelled conversations are judged.
 */
export function measureQa(results: QaResult[], labels: LabelledFinding[]): QaMeasure {
  const key = (f: LabelledFinding) => `${f.conversation}\u0000${f.rule}\u0000${f.turn ?? ''}`
  const labelled = new Set(labels.map(key))
  const judged = new Set(results.map((r) => r.conversationId))
  const found = new Map<string, LabelledFinding>()
  for (const r of results)
    for (const f of r.findings) {
      const lf = {conversation: r.conversationId, rule: f.ruleId, turn: f.kind === 'missing' ? null : f.turnNo}
      found.set(key(lf), lf)
    }
  const rules = new Map<string, {rule: string; tp: number; fp: number; fn: number}>()
  const rule = (id: string) => rules.get(id) ?? rules.set(id, {rule: id, tp: 0, fp: 0, fn: 0}).get(id)!
  const falsePositives: LabelledFinding[] = []
  const missed: LabelledFinding[] = []
  let tp = 0
  for (const [k, f] of found) {
    if (labelled.has(k)) {
      tp++
      rule(f.rule).tp++
    } else {
      falsePositives.push(f)
      rule(f.rule).fp++
    }
  }
  for (const l of labels)
    if (judged.has(l.conversation) && !found.has(key(l))) {
      missed.push(l)
      rule(l.rule).fn++
    }
  const fp = falsePositives.length
  const fn = missed.length
  return {
    tp,
    fp,
    fn,
    precision: tp + fp > 0 ? tp / (tp + fp) : null,
    recall: tp + fn > 0 ? tp / (tp + fn) : null,
    perRule: [...rules.values()].sort((a, b) => a.rule.localeCompare(b.rule)),
    falsePositives,
    missed,
  }
}
