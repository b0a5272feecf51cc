import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ccx, ROOT, tempDir, ingestEach} from '../helpers/cli.js'

const QA_SOURCES = [
  ['calls', 'calls.csv'],
  ['transcripts', 'transcripts.csv'],
  ['chats', 'chats.csv'],
] as const

// The hand-written labelled QA sample (fixtures/qa: 8 calls, 3 chats, 16 planted violations) ingested as a user would.
describe('ccx report qa (end to end)', () => {
  const dir = tempDir('ccx-qa-e2e-')
  const db = join(dir.path, 'ccx.duckdb')
  const fx = join(ROOT, 'fixtures/qa')
  beforeAll(async () => {
    await ingestEach(db, fx, QA_SOURCES)
  }, 120_000)
  afterAll(() => dir.cleanup())

  it('finds the planted violations with their evidence and prints precision and recall', async () => {
    const r = await ccx(['report', 'qa', '--db', db, '--labels', join(fx, 'labels.json'), '--json'])
    expect(r.code, r.stderr).toBe(0)
    const out = r.json()
    expect([out.calls, out.chats]).toEqual([8, 3])
    expect(out.measure.recall).toBeGreaterThanOrEqual(0.8)
    expect(out.measure.precision).toBeGreaterThanOrEqual(0.8)
    const rude = out.byConversation
      .find((c: {conversationId: string}) => c.conversationId === 'qa-q06')
      .findings.find((f: {ruleId: string}) => f.ruleId === 'rude')
    expect(rude).toMatchObject({turnNo: 6, atMs: 17600, text: '这个不归我管，你找财务吧。'})
    // a303: q04 loses 10 (dissatisfaction), q06 20 + 10 + 10, h03 20 + 10 → mean (90 + 60 + 70) / 3
    const a303 = out.byAgent.find((a: {agentId: string}) => a.agentId === 'a303')
    expect(a303.meanScore).toBeCloseTo(220 / 3, 10)
    const text = await ccx(['report', 'qa', '--db', db, '--labels', join(fx, 'labels.json')])
    expect(text.stdout).toMatch(/precision 100\.0%, recall 100\.0%/)
    expect(text.stdout).toContain('绝对不会坏')
  })

  it("the agent scorecard's quality component reads the QA scores", async () => {
    const r = await ccx(['report', 'agents', '--db', db, '--refresh', '--min-contacts', '1', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const out = r.json()
    const by = Object.fromEntries(out.agents.map((a: {agent_id: string}) => [a.agent_id, a]))
    // the means of report qa above: a303 (90 + 60 + 70) / 3; team pooled over the 11 conversations
    expect(by.a303.values.qa_score).toBeCloseTo(220 / 3, 10)
    expect(by.a303.subScores.qa_score).toBe(0) // lowest of a301 97.5, a302 76.25, a303 73.33
    expect(by.a301.subScores.qa_score).toBe(100)
    expect(out.team.qa_score).toBeCloseTo((220 + 4 * 76.25 + 4 * 97.5) / 11, 10)
  })

  it('a labels file that is not the right shape is refused with the field', async () => {
    const r = await ccx(['report', 'qa', '--db', db, '--labels', join(fx, 'calls.csv')])
    expect(r.code).toBe(5)
    expect(r.stderr).toContain('not JSON')
  })
})

// A second hand-written sample (NOT real data) in the style of real QA checklists, written without the default rules'
// phrasings in view: how the rules do on wording they were not written for (docs/telesales.md "Quality inspection").
describe('ccx report qa on a hand-written sample in other words', () => {
  const dir = tempDir('ccx-qa-rs-')
  const db = join(dir.path, 'ccx.duckdb')
  const fx = join(ROOT, 'fixtures/qa-real-style')
  afterAll(() => dir.cleanup())

  it('prints precision and recall; finds the timing items and a missing greeting whatever the wording', async () => {
    await ingestEach(db, fx, QA_SOURCES)
    const r = await ccx(['report', 'qa', '--db', db, '--labels', join(fx, 'labels.json'), '--json'])
    expect(r.code, r.stderr).toBe(0)
    const out = r.json()
    console.log(
      `hand-written sample in other words: precision ${out.measure.precision.toFixed(3)}, recall ${out.measure.recall.toFixed(3)} (${out.measure.tp} found, ${out.measure.fp} false, ${out.measure.fn} missed)`,
    )
    expect([out.calls, out.chats]).toEqual([6, 2])
    // 13 labelled violations; what the rules see whatever the wording: silence, talk-over, slow reply, missing greeting
    expect(out.measure.tp + out.measure.fn).toBe(13)
    const found = (conversation: string, rule: string) =>
      out.byConversation
        .find((c: {conversationId: string}) => c.conversationId === conversation)
        .findings.some((f: {ruleId: string}) => f.ruleId === rule)
    for (const [c, rule] of [
      ['rs-e01', 'silence'],
      ['rs-e03', 'talk-over'],
      ['rs-h01', 'slow-reply'],
      ['rs-z02', 'greeting'],
    ])
      expect(found(c, rule), `${c} ${rule}`).toBe(true)
    expect(out.measure.recall).toBeGreaterThanOrEqual(0.5)
    expect(out.measure.precision).toBeGreaterThanOrEqual(0.5)
  })
})
