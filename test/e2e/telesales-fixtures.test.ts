import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ccx, tempDir} from '../helpers/cli.js'

// The fixture generator's telesales calls say phrasings from defaults/scripts.json and plant success on
// obj_price_value and close_assumptive (fixtures/generator/index.js PLANTED_SCRIPTS): the report must find them.
describe('fixtures → ingest → report scripts', () => {
  const dir = tempDir('ccx-telesales-e2e-')
  const db = join(dir.path, 'ccx.duckdb')
  beforeAll(async () => {
    const gen = await ccx(['fixtures', 'generate', '--days', '60', '--visitors', '6000', '--seed', 's1', '--out', join(dir.path, 'data')], {
      timeoutMs: 300_000,
    })
    expect(gen.code, gen.stderr).toBe(0)
    for (const source of ['calls', 'transcripts']) {
      const r = await ccx(['ingest', source, join(dir.path, 'data', `${source}.csv`), '--db', db])
      expect(r.code, r.stderr).toBe(0)
    }
    const run = await ccx(['run', 'telesales', '--db', db])
    expect(run.code, run.stderr).toBe(0)
  }, 600_000)
  afterAll(() => dir.cleanup())

  it('finds the planted scripts on top and stages for every transcribed call', async () => {
    const r = await ccx(['report', 'scripts', '--db', db, '--json', '--seed', '1'])
    expect(r.code, r.stderr).toBe(0)
    const out = r.json()
    expect(out.calls).toBeGreaterThan(300)
    expect(['concentrated', 'dispersed', 'no evidence either way']).toContain(out.verdict)
    expect(out.reason.length).toBeGreaterThan(10)
    const byShare = out.scripts
      .filter((s: {excluded: boolean}) => !s.excluded)
      .sort((a: {share: number}, b: {share: number}) => b.share - a.share)
    expect(byShare[0].scriptId).toBe('close_assumptive')
    expect(byShare.slice(0, 3).map((s: {scriptId: string}) => s.scriptId)).toContain('obj_price_value')
    expect(out.scripts.find((s: {scriptId: string}) => s.scriptId === 'close_assumptive').qValue).toBeLessThan(0.05)
    expect(out.stages.find((s: {stage: string}) => s.stage === 'greeting').hitRate).toBeGreaterThan(0.8)
    expect(out.callsToClose.median).toBeGreaterThanOrEqual(1)
  })
})
