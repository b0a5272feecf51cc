import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import Papa from 'papaparse'
import {describe, expect, it} from 'vitest'
import {toConversations, measureQa, type LabelledFinding} from '../../src/telesales/qa/conversations.js'
import {QaDetector} from '../../src/telesales/qa/detect.js'
import {loadQaRules, parseQaRules} from '../../src/telesales/qa/rules.js'
import {ROOT} from '../helpers/cli.js'

const dir = join(ROOT, 'fixtures/qa')
const csv = (file: string) =>
  Papa.parse<Record<string, string>>(readFileSync(join(dir, file), 'utf8'), {header: true, skipEmptyLines: true}).data

/** The labelled sample as conversations (the report reads the same rows from the store). */
function sample() {
  const agentOf = new Map(csv('calls.csv').map((c) => [c.call_id, c.agent_id]))
  const turns = csv('transcripts.csv').map((t) => ({
    conversation_id: t.call_id,
    agent_id: agentOf.get(t.call_id) ?? null,
    turn_no: Number(t.turn_no),
    speaker: t.speaker,
    start_ms: Number(t.start_ms),
    end_ms: Number(t.end_ms),
    text: t.text,
  }))
  const messages = csv('chats.csv').map((m) => ({
    conversation_id: m.conversation_id,
    agent_id: m.agent_id,
    seq: Number(m.seq),
    ts_ms: Date.parse(`${m.ts.replace(' ', 'T')}Z`),
    sender_type: m.sender_type,
    text: m.text,
  }))
  return toConversations(turns, messages)
}

describe('quality inspection (质检) on the labelled sample', () => {
  const detector = new QaDetector(loadQaRules())
  const labels = (JSON.parse(readFileSync(join(dir, 'labels.json'), 'utf8')) as {findings: LabelledFinding[]}).findings

  it('finds the planted violations with their evidence; precision and recall on the sample', () => {
    const convs = sample()
    expect(convs.map((c) => c.channel).filter((c) => c === 'chat').length).toBe(3)
    const results = convs.map((c) => detector.inspect(c))
    const m = measureQa(results, labels)
    console.log(
      `QA sample: ${labels.length} labelled findings, precision ${m.precision?.toFixed(3)}, recall ${m.recall?.toFixed(3)}`,
      JSON.stringify({fp: m.falsePositives, missed: m.missed}),
    )
    expect(m.recall!).toBeGreaterThanOrEqual(0.8)
    expect(m.precision!).toBeGreaterThanOrEqual(0.8)
    // Evidence: the turn, its time and its text.
    const q03 = results.find((r) => r.conversationId === 'qa-q03')!
    const promise = q03.findings.find((f) => f.ruleId === 'guarantee')!
    expect(promise).toMatchObject({kind: 'forbidden', turnNo: 5, atMs: 14600, severity: 'critical', points: 30})
    expect(promise.text).toContain('绝对不会坏')
    const q05 = results.find((r) => r.conversationId === 'qa-q05')!
    // silence: turn 5 ended at 17.0 s, the agent spoke at 32.0 s → 15.0 s
    expect(q05.findings.find((f) => f.ruleId === 'silence')).toMatchObject({turnNo: 6, atMs: 17000})
    expect(q05.findings.find((f) => f.ruleId === 'silence')!.detail).toContain('15.0 s')
    // talk-over: the customer's turn 7 ended at 45.0 s, the agent started at 43.0 s → 2.0 s
    expect(q05.findings.find((f) => f.ruleId === 'talk-over')!.detail).toContain('2.0 s')
    // score = 100 − the points of each rule's first finding: q03 loses 30 + 10 + 10
    expect(q03.score).toBe(50)
    // chats: the customer waited 150 s for the first reply
    const h02 = results.find((r) => r.conversationId === 'qa-h02')!
    expect(h02.findings.find((f) => f.ruleId === 'slow-reply')).toMatchObject({turnNo: 1, atMs: 0})
    expect(h02.findings.find((f) => f.ruleId === 'slow-reply')!.detail).toContain('150.0 s')
  })

  it('measures by conversation, rule and turn (hand-computed)', () => {
    const r = (conversationId: string, findings: Array<[string, 'missing' | 'forbidden', number | null]>) => ({
      conversationId,
      channel: 'call' as const,
      agentId: null,
      turns: 5,
      agentTurns: 3,
      score: 100,
      findings: findings.map(([ruleId, kind, turnNo]) => ({
        ruleId,
        kind,
        turnNo,
        severity: 'major' as const,
        points: 0,
        atMs: null,
        text: null,
        detail: '',
      })),
    })
    // found: a/greeting(missing) ✓, a/rude@3 ✓, a/rude@4 ✗; labelled also b/closing (b judged) → tp 2, fp 1, fn 1
    const m = measureQa(
      [
        r('a', [
          ['greeting', 'missing', 1],
          ['rude', 'forbidden', 3],
          ['rude', 'forbidden', 4],
        ]),
        r('b', []),
      ],
      [
        {conversation: 'a', rule: 'greeting', turn: null},
        {conversation: 'a', rule: 'rude', turn: 3},
        {conversation: 'b', rule: 'closing', turn: null},
        {conversation: 'c', rule: 'closing', turn: null},
      ],
    )
    expect([m.tp, m.fp, m.fn]).toEqual([2, 1, 1])
    expect(m.precision).toBeCloseTo(2 / 3, 12)
    expect(m.recall).toBeCloseTo(2 / 3, 12)
  })

  it('a bad rules file names line and field', () => {
    const {issues} = parseQaRules('{\n  "required": [\n    {"id": "Greeting", "stage": "opening", "phrasings": ["您好"]}\n  ]\n}')
    expect(issues[0]).toMatchObject({line: 3, field: 'required[0].id'})
  })
})
