import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ccx, tempDir} from '../helpers/cli.js'
import {buildKeywordFixture} from '../helpers/report-fixture.js'
import {Store} from '../../src/store/store.js'

// Fixture: site A "bad" converts 2/200 (1%), "noise" 8/100 (8%); the benchmark says 9% (test/helpers/report-fixture.ts).
describe('ccx report keywords (e2e)', () => {
  const dir = tempDir('ccx-keywords-e2e-')
  const db = join(dir.path, 'ccx.duckdb')
  const bench = join(dir.path, 'benchmarks.json')
  beforeAll(async () => {
    const store = await Store.open(db)
    await buildKeywordFixture(store)
    await store.close()
    writeFileSync(
      bench,
      JSON.stringify({benchmarks: [{industry: 'printers', engine: '*', keyword: '*', lead_rate: 0.09, source: 'test figure'}]}),
    )
  })
  afterAll(() => dir.cleanup())
  const args = () => ['report', 'keywords', '--db', db, '--site', 'A', '--from', '2026-11-01', '--to', '2026-11-30', '--benchmarks', bench]

  it('flags the keyword far below its benchmark, not the one within noise (--json)', async () => {
    const r = await ccx([...args(), '--json'])
    expect(r.code, r.stderr).toBe(0)
    const rows = r.json().rows
    expect(rows.map((x: any) => [x.keyword, x.flag])).toEqual([
      ['bad', 'below'],
      ['noise', 'within noise'],
      ['small', 'too few visitors'],
    ])
    expect(rows[0].benchmark_source).toBe('test figure')
    expect(rows[0].lost).toBeCloseTo(16, 10)
  }, 300_000)

  it('prints the advice under the table and the same rows as CSV', async () => {
    const table = await ccx(args())
    expect(table.code, table.stderr).toBe(0)
    expect(table.stdout).toContain('"bad" converts at 1.0% where the benchmark converts at 9.0%: check its landing page https://A.cn/bad')
    const csv = await ccx([...args(), '--csv'])
    const [head, ...lines] = csv.stdout.trim().split('\n')
    const cols = head.split(',')
    const flag = cols.indexOf('flag')
    expect(lines.map((l) => l.split(',')[flag])).toEqual(['below', 'within noise', 'too few visitors'])
  }, 300_000)

  it('rejects a benchmarks file whose figure has no source', async () => {
    const bad = join(dir.path, 'bad.json')
    writeFileSync(bad, JSON.stringify({benchmarks: [{industry: '*', lead_rate: 0.09}]}))
    const r = await ccx(['report', 'keywords', '--db', db, '--benchmarks', bad])
    expect(r.code).toBe(6)
    expect(r.stderr).toContain('benchmarks.0.source')
  }, 300_000)
})
