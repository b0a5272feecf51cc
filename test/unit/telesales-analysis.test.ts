import {describe, expect, it} from 'vitest'
import {analyzeScripts, recommendScripts, type AnalysisCall} from '../../src/reports/telesales/analysis.js'
import {loadLibrary} from '../../src/telesales/library.js'
import {ScriptMatcher} from '../../src/telesales/matcher.js'
import {analyzeCall} from '../../src/telesales/segment.js'
import {simulateCalls, type SimulateOptions} from '../../src/telesales/simulate.js'

const library = loadLibrary()
const matcher = new ScriptMatcher(library)

/** Simulated calls → transcripts → detected hits (the real detection path, not the simulator's truth). */
function detected(options: SimulateOptions): AnalysisCall[] {
  const sim = simulateCalls(library, options)
  const byCall = new Map<string, typeof sim.turns>()
  for (const t of sim.turns) byCall.set(t.call_id, [...(byCall.get(t.call_id) ?? []), t])
  return sim.calls.map((c) => {
    const a = analyzeCall(
      (byCall.get(c.call_id) ?? []).map((t) => ({
        turnNo: t.turn_no,
        speaker: t.speaker,
        startMs: t.start_ms,
        endMs: t.end_ms,
        text: t.text,
      })),
      matcher,
    )
    return {
      callId: c.call_id,
      agentId: c.agent_id,
      campaign: c.campaign,
      success: c.outcome === 'sale',
      scripts: [...new Set(a.hits.map((h) => h.scriptId))],
      stages: [...new Set(a.stages.map((s) => s.stage))],
    }
  })
}

describe('planted-data acceptance', () => {
  it('success planted on two scripts → concentrated, and those two rank top', () => {
    const calls = detected({calls: 1200, seed: 11, mode: 'planted', planted: ['obj_price_value', 'close_assumptive']})
    const r = analyzeScripts(library, calls, {seed: 5, permutations: 199, bootstrap: 100, stratify: 'agent'})
    expect(r.verdict).toBe('concentrated')
    expect(r.test.pValue).toBeLessThan(0.05)
    expect(
      r.concentration.topScripts
        .slice(0, 2)
        .map((s) => s.scriptId)
        .sort(),
    ).toEqual(['close_assumptive', 'obj_price_value'])
    expect(r.concentration.topKShareInterval.low).toBeGreaterThan(0.4)
    const byLift = r.scripts.filter((s) => !s.excluded).sort((a, b) => b.logOdds - a.logOdds)
    expect(
      byLift
        .slice(0, 2)
        .map((s) => s.scriptId)
        .sort(),
    ).toEqual(['close_assumptive', 'obj_price_value'])
    expect(r.significantScripts).toEqual(expect.arrayContaining(['close_assumptive', 'obj_price_value']))
    // The order confirmation is a consequence of the sale: shown, never tested.
    const confirm = r.scripts.find((s) => s.scriptId === 'close_order_confirm')!
    expect(confirm.excluded).toBe(true)
    expect(confirm.qValue).toBeNull()
    expect(confirm.convHit).toBeGreaterThan(0.9)
    // Reproducible with the same seed.
    expect(analyzeScripts(library, calls, {seed: 5, permutations: 199, bootstrap: 100, stratify: 'agent'})).toEqual(r)
  })

  it('scripts independent of success → dispersed / not significant', () => {
    const calls = detected({calls: 1200, seed: 12, mode: 'independent', baseRate: 0.25})
    const r = analyzeScripts(library, calls, {seed: 5, permutations: 199, bootstrap: 100})
    expect(r.verdict).toBe('dispersed')
    expect(r.test.pValue).toBeGreaterThanOrEqual(0.05)
    expect(r.significantScripts).toEqual([])
  })

  it('too few sales → no evidence either way, saying why', () => {
    const calls = detected({calls: 60, seed: 13, mode: 'independent', baseRate: 0.1})
    const r = analyzeScripts(library, calls, {permutations: 19, bootstrap: 10})
    expect(r.verdict).toBe('no evidence either way')
    expect(r.reason).toMatch(/too few calls to judge/)
  })

  it('recommend ranks the planted script first in its stage and names agents who miss it', () => {
    const calls = detected({calls: 1200, seed: 11, mode: 'planted'})
    const rec = recommendScripts(library, calls, {stage: 'objection', minAgentCalls: 20, gap: 0.05})
    expect(rec.scripts[0].scriptId).toBe('obj_price_value')
    expect(rec.scripts[0].evidence).toBe('works')
    for (const a of rec.agents) for (const g of a.gaps) expect(g.agentRate).toBeLessThan(g.teamRate - 0.05)
    expect(rec.agents.length).toBeGreaterThan(0)
  })
})

describe('charts', () => {
  it('concentration chart: shares sorted, cumulative reaches 100%, verdict in the title; lift chart has tested scripts only', async () => {
    const {concentrationChart, hitRateChart, liftChart} = await import('../../src/reports/telesales/charts.js')
    const calls = detected({calls: 400, seed: 11, mode: 'planted'})
    const a = analyzeScripts(library, calls, {seed: 1, permutations: 99, bootstrap: 20})
    const conc = concentrationChart(a) as {title: {text: string}; data: {values: Array<{share: number; cumulative: number}>}}
    expect(conc.title.text).toBe(`Verdict: ${a.verdict}`)
    const shares = conc.data.values.map((v) => v.share)
    expect(shares).toEqual([...shares].sort((x, y) => y - x))
    expect(conc.data.values.at(-1)!.cumulative).toBeCloseTo(1, 3)
    const lift = liftChart(a) as {data: {values: Array<{script: string}>}}
    expect(lift.data.values.map((v) => v.script)).not.toContain('close_order_confirm')
    const hit = hitRateChart(a) as {data: {values: Array<{script: string; hitRate: number}>}}
    expect(hit.data.values.find((v) => v.script === 'greet_company')!.hitRate).toBeCloseTo(
      a.scripts.find((s) => s.scriptId === 'greet_company')!.hitRate,
      4,
    )
  })
})
