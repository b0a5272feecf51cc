import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {ccx, tempDir} from '../helpers/cli.js'

const tmp = tempDir('ccx-intent-cmd-')
afterAll(() => tmp.cleanup())

describe('ccx intent eval / train', () => {
  it('prints macro-F1 for rules, model and rules+model; rules+model beats rules', async () => {
    const r = await ccx(['intent', 'eval', '--labels', 'fixtures/labelled/queries.ndjson', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const out = r.json()
    expect(out.testRows).toBe(600)
    expect(out.modes['rules+model'].macroF1).toBeGreaterThan(out.modes.rules.macroF1)
    const human = await ccx(['intent', 'eval', '--labels', 'fixtures/labelled/queries.ndjson'])
    expect(human.stdout).toMatch(/macro-F1/)
    expect(human.stdout).toMatch(/rules\+model\s+0\.\d{3}/)
  })
  it('explains a text: tokens, rule hits, model features, decision', async () => {
    const r = await ccx(['intent', 'explain', 'jianeng weixiuzhan', '--db', join(tmp.path, 'none.duckdb'), '--json'])
    expect(r.code, r.stderr).toBe(0)
    const out = r.json()
    expect(out.tokens).toEqual(['jianeng', 'weixiuzhan'])
    expect(out.ruleHits).toEqual([])
    expect(out.model.topFeatures.length).toBeGreaterThan(0)
    expect(out.decision).toMatchObject({intent: 'service_station', method: 'model'})
  })
  it('trains a model from a CSV file', async () => {
    const labels = join(tmp.path, 'labels.csv')
    writeFileSync(labels, 'text,intent\n佳能维修站,service_station\n佳能报价,price_quote\n')
    const out = join(tmp.path, 'model.json')
    const r = await ccx(['intent', 'train', '--labels', labels, '--out', out, '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json()).toMatchObject({rows: 2, classes: ['price_quote', 'service_station']})
  })
})
