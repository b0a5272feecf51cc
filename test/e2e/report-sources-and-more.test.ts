import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ccx, tempDir} from '../helpers/cli.js'
import {buildMarketingMoreFixture} from '../helpers/marketing-more-fixture.js'
import {Store} from '../../src/store/store.js'

// ccx report sources | geo | exits | journey | attribution | heatmap on the fixture of
// test/helpers/marketing-more-fixture.ts; the numbers are worked out in the unit tests of each report.
describe('marketing reports: sources, geo, exits, journey, attribution, heatmap (e2e)', () => {
  const dir = tempDir('ccx-mkt-more-e2e-')
  const db = join(dir.path, 'ccx.duckdb')
  const range = ['--db', db, '--from', '2026-11-02', '--to', '2026-11-03']
  beforeAll(async () => {
    const store = await Store.open(db)
    await buildMarketingMoreFixture(store)
    await store.close()
  })
  afterAll(() => dir.cleanup())

  it('sources: tables on stdout, JSON, CSV and a Vega-Lite spec', async () => {
    const table = await ccx(['report', 'sources', ...range])
    expect(table.code, table.stderr).toBe(0)
    expect(table.stdout).toMatch(/Mediums \(7 sessions\)/)
    expect(table.stdout).toMatch(/Search engines \(5 search sessions\)/)
    const json = await ccx(['report', 'sources', ...range, '--json'])
    expect(json.json().engines.map((e: {engine: string; sessions: number}) => [e.engine, e.sessions])).toEqual([
      ['Baidu', 4],
      ['Sogou', 1],
    ])
    const spec = join(dir.path, 'sources.vl.json')
    const csv = await ccx(['report', 'sources', ...range, '--csv', '--chart', spec])
    expect(csv.stdout.split('\n')[0]).toMatch(/^table,medium,sessions/)
    expect(JSON.parse(readFileSync(spec, 'utf8')).vconcat).toHaveLength(2)
  }, 300_000)

  it('geo and exits as JSON; exits chart as SVG', async () => {
    const geo = await ccx(['report', 'geo', ...range, '--level', 'province', '--json'])
    expect(geo.code, geo.stderr).toBe(0)
    expect(geo.json().rows.map((r: {province: string; sessions: number}) => [r.province, r.sessions])).toEqual([
      ['广东省', 4],
      ['北京', 3],
    ])
    const svg = join(dir.path, 'exits.svg')
    const exits = await ccx(['report', 'exits', ...range, '--json', '--chart', svg])
    expect(exits.code, exits.stderr).toBe(0)
    expect(exits.json().intents.map((i: {intent: string}) => i.intent)).toEqual(['(unclassified)', 'purchase', 'support'])
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg/)
  }, 300_000)

  it('journey of a visitor, and a usage error for an unknown one', async () => {
    const r = await ccx(['report', 'journey', 'v1', '--db', db])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/visitor v1: 2 visit\(s\)/)
    expect(r.stdout).toMatch(/left after 2 pages, 600 s/)
    const missing = await ccx(['report', 'journey', 'nobody', '--db', db])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/no visitor nobody/)
  }, 300_000)

  it('attribution with a half-life flag, and a heatmap PNG', async () => {
    const r = await ccx(['report', 'attribution', ...range, '--half-life', '3d', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const out = r.json()
    expect(out.half_life_s).toBe(3 * 86400)
    // leads L1 (S1: search / Baidu) and L2 (no visitor); orders O1 (S1 then S4) and O2 (S2)
    expect(out.conversions).toEqual({lead: 2, order: 2})
    expect(out.unattributed).toEqual({lead: 1, order: 0})
    const png = join(dir.path, 'heat.png')
    const heat = await ccx(['report', 'heatmap', '--db', db, '--url', 'https://a.cn/p2', '--chart', png, '--json'])
    expect(heat.code, heat.stderr).toBe(0)
    expect(heat.json().clicks).toBe(3)
    expect(existsSync(png)).toBe(true)
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG')
  }, 300_000)
})
