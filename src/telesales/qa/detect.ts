/**
 * Quality inspection of one conversation — a call transcript or a chat, the same detector for both: required items
 * in their part of the conversation, forbidden phrases, customer dissatisfaction (phrasings matched with the script
 * matcher's fuzzy score, so ASR slips still match), long silences and talking over the customer from turn timings
 * (calls), slow replies (chats). Every finding carries its evidence: turn, time and text. Pure.
 * Rules and scoring: docs/telesales.md "Quality inspection".
 */
import type {Library, LibraryScript} from '../library.js'
import {ScriptMatcher} from '../matcher.js'
import type {Tokenizer} from '../text.js'
import type {QaRules} from './rules.js'

export type Channel = 'call' | 'chat'

export interface QaTurn {
  turnNo: number
  /** agent | customer (anything else — bot, system — is context only). */
  speaker: string
  /** Calls: from the start of the call; chats: the message time, from the first message. */
  startMs: number | null
  /** Calls only. */
  endMs: number | null
  text: string | null
}

export interface QaConversation {
  id: string
  channel: Channel
  agentId: string | null
  turns: QaTurn[]
}

export type FindingKind = 'missing' | 'forbidden' | 'dissatisfaction' | 'silence' | 'talk-over' | 'slow-reply'

export interface QaFinding {
  ruleId: string
  kind: FindingKind
  severity: 'minor' | 'major' | 'critical'
  /** Points deducted: the first finding of a rule in a conversation deducts the rule's points, later ones 0. */
  points: number
  /** Evidence: the turn (message) it is about, its time from the start, its text, and what was found. */
  turnNo: number | null
  atMs: number | null
  text: string | null
  detail: string
}

export interface QaResult {
  conversationId: string
  channel: Channel
  agentId: string | null
  turns: number
  agentTurns: number
  findings: QaFinding[]
  /** 100 − the points deducted, at least 0. */
  score: number
}

interface Target {
  kind: 'required' | 'forbidden' | 'except' | 'dissatisfaction' | 'dissatisfaction-except'
  rule: number
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`
const clock = (ms: number | null) => {
  if (ms === null) return '?'
  const s = Math.round(ms / 1000)
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}

export class QaDetector {
  readonly matcher: ScriptMatcher
  private readonly targets: Target[] = []

  constructor(
    readonly rules: QaRules,
    tokenizer?: Tokenizer,
  ) {
    // Every phrasing list becomes one "script" of a one-stage library: the matcher scores each distinct text once.
    const scripts: LibraryScript[] = []
    const add = (target: Target, phrasings: string[], speaker: 'agent' | 'customer') => {
      if (phrasings.length === 0) return
      this.targets.push(target)
      scripts.push({
        id: `qa${scripts.length}`,
        tags: [],
        phrasings,
        speaker,
        consequence: false,
        stage: 'qa',
        stageIndex: 0,
        index: scripts.length,
      })
    }
    rules.required.forEach((r, i) => add({kind: 'required', rule: i}, r.phrasings, r.speaker))
    rules.forbidden.forEach((r, i) => {
      add({kind: 'forbidden', rule: i}, r.phrasings, r.speaker)
      add({kind: 'except', rule: i}, r.except, r.speaker)
    })
    if (rules.dissatisfaction) {
      add({kind: 'dissatisfaction', rule: 0}, rules.dissatisfaction.phrasings, 'customer')
      add({kind: 'dissatisfaction-except', rule: 0}, rules.dissatisfaction.except, 'customer')
    }
    const library: Library = {
      matchThreshold: rules.matchThreshold,
      stages: [{id: 'qa', name: 'qa', index: 0, cues: [], scriptIds: scripts.map((s) => s.id)}],
      scripts,
      hash: rules.hash,
      source: rules.source,
    }
    this.matcher = new ScriptMatcher(library, {tokenizer})
  }

  /** Which rule targets a text says (kind and rule index), by the matcher. */
  private said(text: string | null): Target[] {
    if (!text) return []
    return this.matcher.analyze(text).hits.map((h) => this.targets[h.script])
  }

  inspect(conversation: QaConversation): QaResult {
    const {rules} = this
    const turns = [...conversation.turns].sort((a, b) => a.turnNo - b.turnNo)
    const said = turns.map((t) => this.said(t.text))
    const findings: QaFinding[] = []
    const deducted = new Set<string>()
    const push = (f: Omit<QaFinding, 'points'>, points: number) => {
      findings.push({...f, points: deducted.has(f.ruleId) ? 0 : points})
      deducted.add(f.ruleId)
    }
    const bySpeaker = (speaker: string) => turns.flatMap((t, i) => (t.speaker === speaker ? [i] : []))

    // Required items, each in its part of the speaker's turns.
    rules.required.forEach((rule, r) => {
      if (!rule.channels.includes(conversation.channel)) return
      const own = bySpeaker(rule.speaker)
      if (own.length === 0) return // nobody of that side spoke: nothing to judge
      const window =
        rule.stage === 'opening'
          ? own.slice(0, rules.stages.openingTurns)
          : rule.stage === 'closing'
            ? own.slice(-rules.stages.closingTurns)
            : own
      if (window.some((i) => said[i].some((t) => t.kind === 'required' && t.rule === r))) return
      const first = turns[window[0]]
      const last = turns[window.at(-1)!]
      const where =
        rule.stage === 'any'
          ? `any ${rule.speaker} turn`
          : `the ${rule.stage} (${rule.speaker} turns ${first.turnNo}–${last.turnNo}, ${clock(first.startMs)}–${clock(last.endMs ?? last.startMs)})`
      push(
        {
          ruleId: rule.id,
          kind: 'missing',
          severity: 'major',
          turnNo: first.turnNo,
          atMs: first.startMs,
          text: first.text,
          detail: `${rule.name ?? rule.id}: not said in ${where}`,
        },
        rule.points,
      )
    })

    turns.forEach((turn, i) => {
      const hits = said[i]
      rules.forbidden.forEach((rule, r) => {
        if (!rule.channels.includes(conversation.channel) || turn.speaker !== rule.speaker) return
        if (!hits.some((t) => t.kind === 'forbidden' && t.rule === r) || hits.some((t) => t.kind === 'except' && t.rule === r)) return
        push(
          {
            ruleId: rule.id,
            kind: 'forbidden',
            severity: rule.severity,
            turnNo: turn.turnNo,
            atMs: turn.startMs,
            text: turn.text,
            detail: `${rule.name ?? rule.id}: forbidden phrase`,
          },
          rule.points,
        )
      })
      if (
        rules.dissatisfaction &&
        turn.speaker === 'customer' &&
        hits.some((t) => t.kind === 'dissatisfaction') &&
        !hits.some((t) => t.kind === 'dissatisfaction-except')
      ) {
        push(
          {
            ruleId: 'dissatisfaction',
            kind: 'dissatisfaction',
            severity: 'major',
            turnNo: turn.turnNo,
            atMs: turn.startMs,
            text: turn.text,
            detail: 'the customer is dissatisfied',
          },
          rules.dissatisfaction.points,
        )
      }
    })

    const t = rules.timing
    if (conversation.channel === 'call') {
      for (let i = 1; i < turns.length; i++) {
        const prev = turns[i - 1]
        const turn = turns[i]
        if (turn.speaker !== 'agent' || turn.startMs === null) continue
        // Silence: the customer (or the agent's own last words) waited this long for the agent to speak.
        if (prev.endMs !== null && turn.startMs - prev.endMs > t.maxSilenceSeconds * 1000) {
          push(
            {
              ruleId: 'silence',
              kind: 'silence',
              severity: 'minor',
              turnNo: turn.turnNo,
              atMs: prev.endMs,
              text: turn.text,
              detail: `${seconds(turn.startMs - prev.endMs)} of silence before the agent spoke (after turn ${prev.turnNo}; limit ${t.maxSilenceSeconds} s)`,
            },
            t.silencePoints,
          )
        }
        // Talking over: the agent starts while the customer is still speaking.
        if (prev.speaker === 'customer' && prev.endMs !== null && prev.endMs - turn.startMs >= t.minTalkOverSeconds * 1000) {
          push(
            {
              ruleId: 'talk-over',
              kind: 'talk-over',
              severity: 'minor',
              turnNo: turn.turnNo,
              atMs: turn.startMs,
              text: turn.text,
              detail: `the agent started ${seconds(prev.endMs - turn.startMs)} before the customer finished turn ${prev.turnNo}`,
            },
            t.talkOverPoints,
          )
        }
      }
    } else {
      // Chats: a customer message (the first of a run) answered by the agent after more than the limit.
      let waitingSince: QaTurn | null = null
      for (const turn of turns) {
        if (turn.speaker === 'customer') waitingSince ??= turn
        else if (turn.speaker === 'agent') {
          if (waitingSince && waitingSince.startMs !== null && turn.startMs !== null) {
            const wait = turn.startMs - waitingSince.startMs
            if (wait > t.maxChatReplySeconds * 1000)
              push(
                {
                  ruleId: 'slow-reply',
                  kind: 'slow-reply',
                  severity: 'minor',
                  turnNo: waitingSince.turnNo,
                  atMs: waitingSince.startMs,
                  text: waitingSince.text,
                  detail: `the customer waited ${seconds(wait)} for the agent's reply (message ${turn.turnNo}; limit ${t.maxChatReplySeconds} s)`,
                },
                t.silencePoints,
              )
          }
          waitingSince = null
        }
      }
    }
    findings.sort((a, b) => (a.turnNo ?? 0) - (b.turnNo ?? 0) || a.ruleId.localeCompare(b.ruleId))
    const lost = findings.reduce((n, f) => n + f.points, 0)
    return {
      conversationId: conversation.id,
      channel: conversation.channel,
      agentId: conversation.agentId,
      turns: turns.length,
      agentTurns: turns.filter((x) => x.speaker === 'agent').length,
      findings,
      score: Math.max(0, 100 - lost),
    }
  }
}
