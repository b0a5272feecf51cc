import {execFile} from 'node:child_process'
import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {promisify} from 'node:util'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ROOT, RUN_JS, ccx, tempDir} from '../helpers/cli.js'
import {buildFunnelFixture} from '../helpers/report-fixture.js'
import {Store} from '../../src/store/store.js'

// The funnel fixture's answer by construction (test/helpers/report-fixture.ts):
// visitors, ordered, 30-day window: traffic 6 → inquiries 5 → leads 3 → orders 1.
const COUNTS = [6, 5, 3, 1]
const CONV_PREV = [null, 5 / 6, 3 / 5, 1 / 3]
const CONV_FIRST = [1, 5 / 6, 3 / 6, 1 / 6]
const DROP = [null, 1, 2, 2]

describe('ccx report funnel (e2e)', () => {
  const dir = tempDir('ccx-report-e2e-')
  const db = join(dir.path, 'ccx.duckdb')
  const range = ['--db', db, '--from', '2026-11-01', '--to', '2026-11-07']
  beforeAll(async () => {
    const store = await Store.open(db)
    await buildFunnelFixture(store)
    await store.close()
  })
  afterAll(() => dir.cleanup())

  it('prints the table on stdout', async () => {
    const r = await ccx(['report', 'funnel', ...range])
    expect(r.code, r.stderr).toBe(0)
    const lines = r.stdout.trim().split('\n')
    expect(lines[0]).toMatch(/stage\s+name\s+count\s+conv_prev\s+conv_first\s+drop_off/)
    const body = lines.slice(2).map((l) => l.trim().split(/\s+/))
    expect(body.map((c) => c[1])).toEqual(['traffic', 'inquiries', 'leads', 'orders'])
    expect(body.map((c) => Number(c[2]))).toEqual(COUNTS)
    // the table rounds to 4 decimals
    expect(body.slice(1).map((c) => Number(c[3]))).toEqual(CONV_PREV.slice(1).map((x) => Number(x!.toFixed(4))))
    expect(body.map((c) => Number(c[c.length === 4 ? 3 : 4]))).toEqual(CONV_FIRST.map((x) => Number(x.toFixed(4))))
  }, 300_000)

  it('answers --json with the exact counts and rates', async () => {
    const r = await ccx(['report', 'funnel', ...range, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const j = r.json()
    expect(j.total.map((s: any) => s.count)).toEqual(COUNTS)
    expect(j.total.map((s: any) => s.conversion_from_previous)).toEqual(CONV_PREV)
    expect(j.total.map((s: any) => s.conversion_from_first)).toEqual(CONV_FIRST)
    expect(j.total.map((s: any) => s.drop_off)).toEqual(DROP)
    expect(j.total.map((s: any) => s.median_s_from_previous)).toEqual([null, 900, 1800, 172800])
  }, 300_000)

  it('answers --csv, and writes CSV, Parquet, Arrow and a chart', async () => {
    const out = (f: string) => join(dir.path, f)
    const r = await ccx(['report', 'funnel', ...range, '--csv', '--out', out('f.parquet'), '--chart', out('f.svg')])
    expect(r.code, r.stderr).toBe(0)
    const [head, ...rows] = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(','))
    expect(head).toEqual(['stage', 'name', 'count', 'conv_prev', 'conv_first', 'drop_off', 'median_s_prev', 'median_s_first'])
    expect(rows.map((x) => Number(x[2]))).toEqual(COUNTS)
    expect(rows.map((x) => (x[3] === '' ? null : Number(x[3])))).toEqual(CONV_PREV)
    expect(rows.map((x) => Number(x[4]))).toEqual(CONV_FIRST)
    expect(readFileSync(out('f.svg'), 'utf8')).toContain('<svg')

    const arrow = await ccx(['report', 'funnel', ...range, '--out', out('f.arrow'), '--json'])
    expect(arrow.code, arrow.stderr).toBe(0)
    const {tableFromIPC} = await import('apache-arrow')
    const table = tableFromIPC(readFileSync(out('f.arrow')))
    expect(Array.from(table.getChild('count')!.toArray(), Number)).toEqual(COUNTS)

    const store = await Store.open(':memory:', {skipMigrations: true})
    const pq = await store.all(`select name, count, conv_first from read_parquet('${out('f.parquet')}') order by stage`)
    await store.close()
    expect(pq.map((x) => x.count)).toEqual(COUNTS)
    expect(pq.map((x) => x.conv_first)).toEqual(CONV_FIRST)
  }, 300_000)

  it('loads what the report needs only: no zod without a config file, DuckDB from the one-file bundle of the build', async () => {
    // docs/scale.md "Report CLI overhead": every module is CPU in each report's fixed cost
    const log = join(dir.path, 'imports.log')
    const run = async (cwd: string) => {
      rmSync(log, {force: true})
      const recorder = pathToFileURL(join(ROOT, 'test/helpers/import-recorder.mjs')).href
      const {stdout} = await promisify(execFile)(process.execPath, ['--import', recorder, RUN_JS, 'report', 'funnel', ...range, '--json'], {
        cwd,
        env: {...process.env, IMPORT_LOG: log, NO_COLOR: '1'},
      })
      return {counts: JSON.parse(stdout).total.map((s: any) => s.count), loaded: readFileSync(log, 'utf8')}
    }
    const bare = await run(dir.path)
    expect(bare.counts).toEqual(COUNTS)
    expect(bare.loaded).toContain('/dist/vendor/duckdb-node-api.cjs')
    for (const skipped of ['/node_modules/zod/', '/dist/config/schema.js', '/node_modules/@duckdb/node-api/', '/node_modules/semver/'])
      expect(bare.loaded.includes(skipped), `${skipped} loaded`).toBe(false)
    // with a config file, the file is validated (zod) and used: the same answer
    const withConfig = join(dir.path, 'configured')
    mkdirSync(withConfig, {recursive: true})
    writeFileSync(join(withConfig, 'ccx.config.json'), JSON.stringify({timezone: 'Asia/Shanghai'}))
    const configured = await run(withConfig)
    expect(configured.counts).toEqual(COUNTS)
    expect(configured.loaded).toContain('/dist/config/schema.js')
    writeFileSync(join(withConfig, 'ccx.config.json'), JSON.stringify({timezone: 'Mars/Olympus'}))
    const bad = await ccx(['report', 'funnel', ...range, '--json'], {cwd: withConfig})
    expect(bad.code).toBe(6)
  }, 300_000)

  it('explains a bad flag value', async () => {
    const r = await ccx(['report', 'funnel', ...range, '--by', 'colour'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('unknown breakdown dimension "colour"')
  }, 300_000)
})
