import {writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ccx, ccxOk, GENERATED_SOURCES, ingestEach, tempDir} from '../helpers/cli.js'
import {startClickHouseCluster, type ClickHouseCluster} from '../helpers/clickhouse.js'
import {Store} from '../../src/store/store.js'

// The ClickHouse warehouse end to end: demo data ingested and run into DuckDB, published to a real two-shard
// clickhouse-server cluster on loopback (and to a single server), and each core marketing report with and without
// --warehouse. Fails, never skips, without clickhouse-server (CI installs it: .ci/run).

/** Sums of doubles, whose last digits depend on the order ClickHouse and DuckDB add them in. */
const FLOAT_SUMS = new Set(['order_amount', 'csat_avg'])

/** Deep equality; FLOAT_SUMS fields equal to 1e-9 relative. */
function expectSameRows(a: unknown, b: unknown, path = ''): void {
  if (typeof a === 'number' && typeof b === 'number' && FLOAT_SUMS.has(path.split('.').at(-1)!)) {
    expect(Math.abs(a - b), `${path}: ${a} vs ${b}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(a)))
    return
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    expect(b.length, `${path} length`).toBe(a.length)
    a.forEach((x, i) => expectSameRows(x, b[i], `${path}[${i}]`))
    return
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    expect(Object.keys(b).sort(), `${path} keys`).toEqual(Object.keys(a).sort())
    for (const k of Object.keys(a)) expectSameRows((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`)
    return
  }
  expect(b, path).toEqual(a)
}

const ok = (args: string[]) => ccxOk(args, {timeoutMs: 900_000})

const REPORTS: string[][] = [
  ['overview'],
  ['overview', '--site', 'canon', '--from', '2026-10-21', '--to', '2026-10-22'],
  ['sources'],
  ['sources', '--site', 'canon', '--from', '2026-10-20'],
  ['geo'],
  ['geo', '--level', 'province', '--from', '2026-10-20', '--to', '2026-10-27'],
  ['funnel'],
  ['funnel', '--by', 'source,day', '--unit', 'session'],
  ['funnel', '--order', 'any', '--by', 'keyword', '--window', '7d'],
  ['funnel', '--order', 'independent', '--by', 'week,device', '--from', '2026-10-20', '--to', '2026-10-25'],
  ['keywords'],
  ['keywords', '--metric', 'order_rate', '--site', 'canon'],
]

describe('ccx warehouse (ClickHouse 18.16, real servers)', () => {
  const dir = tempDir('ccx-warehouse-')
  const db = join(dir.path, 'ccx.duckdb')
  let two: ClickHouseCluster
  let one: ClickHouseCluster
  const config2 = join(dir.path, 'two.json')
  const config1 = join(dir.path, 'one.json')

  beforeAll(async () => {
    two = await startClickHouseCluster(2)
    one = await startClickHouseCluster(1)
    writeFileSync(config2, JSON.stringify({db, warehouse: {clickhouse: {url: two.url, cluster: two.cluster, shards: two.shardUrls}}}))
    // a single server without a cluster: plain local tables
    writeFileSync(config1, JSON.stringify({db, warehouse: {clickhouse: {url: one.url}}}))
    const data = join(dir.path, 'data')
    await ok([
      'fixtures',
      'generate',
      '--out',
      data,
      '--visitors',
      '1500',
      '--days',
      '14',
      '--seed',
      'warehouse',
      '--end-date',
      '2026-10-31',
      '--json',
    ])
    await ok(['sites', 'import', join(data, 'sites.json'), '--db', db, '--json'])
    await ingestEach(db, data, GENERATED_SOURCES)
    await ok(['run', '--db', db, '--json'])
  }, 900_000)

  afterAll(async () => {
    await two?.stop()
    await one?.stop()
    dir.cleanup()
  })

  it('publishes every day to two shards, split by visitor, and re-publishing a day or a site does not double it', async () => {
    const first = (await ok(['warehouse', 'publish', '--config', config2, '--json'])).json()
    expect(first.shards).toBe(2)
    expect(first.days.length).toBe(14)
    const store = await Store.open(db, {readOnly: true})
    const sessions = Number(await store.scalar('select count(*) from mart_sessions'))
    const steps = Number(await store.scalar('select count(*) from mart_funnel_steps'))
    await store.close()
    const count = async (url: string, table: string) =>
      Number((await (await fetch(`${url}/`, {method: 'POST', body: `select count() from ${table}`})).text()).trim())
    expect(await count(two.url, 'ccx_sessions')).toBe(sessions)
    expect(await count(two.url, 'ccx_funnel_steps')).toBe(steps)
    // both shards hold rows, and no visitor is on both
    const perShard = await Promise.all(two.shardUrls.map((u) => count(u, 'ccx_sessions_local')))
    expect(perShard.every((n) => n > 0)).toBe(true)
    expect(perShard[0] + perShard[1]).toBe(sessions)
    const visitors = async (u: string) =>
      new Set(
        (await (await fetch(`${u}/`, {method: 'POST', body: 'select distinct visitor_id from ccx_sessions_local'})).text())
          .trim()
          .split('\n'),
      )
    const [a, b] = await Promise.all(two.shardUrls.map(visitors))
    expect([...a].filter((v) => b.has(v))).toEqual([])

    // --all: unchanged days are sent again (without it they are skipped, see below)
    const again = (
      await ok(['warehouse', 'publish', '--config', config2, '--from', '2026-10-25', '--to', '2026-10-26', '--all', '--json'])
    ).json()
    expect(again.days.map((d: {day: string}) => d.day)).toEqual(['2026-10-25', '2026-10-26'])
    await ok(['warehouse', 'publish', '--config', config2, '--from', '2026-10-25', '--to', '2026-10-25', '--site', 'canon', '--all'])
    expect(await count(two.url, 'ccx_sessions')).toBe(sessions)
    expect(await count(two.url, 'ccx_funnel_steps')).toBe(steps)
    const status = (await ok(['warehouse', 'status', '--config', config2, '--json'])).json()
    expect(status.days.reduce((n: number, d: {sessions: number}) => n + d.sessions, 0)).toBe(sessions)
  }, 900_000)

  it('gives the same report rows as DuckDB for funnel, keywords, sources, geo and overview (two shards)', async () => {
    for (const args of REPORTS) {
      const duck = (await ok(['report', ...args, '--config', config2, '--json'])).json()
      const ch = (await ok(['report', ...args, '--config', config2, '--warehouse', '--json'])).json()
      expectSameRows(duck, ch, args.join(' '))
    }
  }, 900_000)

  it('sends only the days whose rows changed: none after no change, the new day after one more day of events', async () => {
    const none = (await ok(['warehouse', 'publish', '--config', config2, '--json'])).json()
    expect(none.days).toEqual([])
    expect(none.rows).toBe(0)
    expect(none.unchanged).toBe(14)
    // one visitor's morning on 2026-11-01, written by hand in the probe's CSV format (a search visit, a chat, a lead)
    const header =
      'event_id,ts,site,visitor_id,type,url,title,referrer,ip,user_agent,x,y,selector,member_id,visit_count,directive_id,ref_id,value,props'
    const ua = '"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"'
    const v = 'vnovfirst0001'
    const rows = [
      `${v}.1,2026-11-01 09:12:03,canon,${v},pageview,https://www.canon.com.cn/product/eosr6m2/,EOS R6 Mark II - 佳能中国,https://www.baidu.com/s?wd=%E4%BD%B3%E8%83%BDR6%E4%BB%B7%E6%A0%BC&ie=utf-8,113.108.77.20,${ua},,,,,1,,,,`,
      `${v}.2,2026-11-01 09:12:18,canon,${v},heartbeat,https://www.canon.com.cn/product/eosr6m2/,EOS R6 Mark II - 佳能中国,,113.108.77.20,${ua},,,,,1,,,,`,
      `${v}.3,2026-11-01 09:14:40,canon,${v},pageview,https://www.canon.com.cn/stores,佳能专卖店与体验店查询,https://www.canon.com.cn/product/eosr6m2/,113.108.77.20,${ua},,,,,1,,,,`,
      `${v}.4,2026-11-01 09:15:02,canon,${v},chat_request,https://www.canon.com.cn/stores,佳能专卖店与体验店查询,,113.108.77.20,${ua},,,,,1,,C-novfirst-1,,`,
      `${v}.5,2026-11-01 09:21:30,canon,${v},lead,https://www.canon.com.cn/stores,佳能专卖店与体验店查询,,113.108.77.20,${ua},,,,,1,,L-novfirst-1,,`,
    ]
    const csv = join(dir.path, 'nov1.csv')
    writeFileSync(csv, [header, ...rows, ''].join('\n'))
    await ok(['ingest', 'probe', csv, '--db', db, '--json'])
    await ok(['run', '--db', db, '--json'])
    const next = (await ok(['warehouse', 'publish', '--config', config2, '--json'])).json()
    expect(next.days.map((d: {day: string}) => d.day)).toEqual(['2026-11-01'])
    expect(next.days[0].rows.ccx_sessions).toBe(1)
    expect(next.unchanged).toBe(14)
    for (const args of [['funnel', '--by', 'day'], ['overview'], ['keywords']]) {
      const duck = (await ok(['report', ...args, '--config', config2, '--json'])).json()
      const ch = (await ok(['report', ...args, '--config', config2, '--warehouse', '--json'])).json()
      expectSameRows(duck, ch, args.join(' '))
    }
  }, 900_000)

  it('gives the same rows on a single server without a cluster', async () => {
    await ok(['warehouse', 'publish', '--config', config1])
    for (const args of [['funnel', '--by', 'engine,keyword'], ['overview'], ['sources'], ['geo'], ['keywords']]) {
      const duck = (await ok(['report', ...args, '--config', config1, '--json'])).json()
      const ch = (await ok(['report', ...args, '--config', config1, '--warehouse', '--json'])).json()
      expectSameRows(duck, ch, args.join(' '))
    }
  }, 900_000)

  it('names the URL when the server is unreachable and refuses what the warehouse cannot answer', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const p = (server.address() as {port: number}).port
        server.close(() => resolve(p))
      })
    })
    const dead = join(dir.path, 'dead.json')
    writeFileSync(dead, JSON.stringify({db, warehouse: {clickhouse: {url: `http://127.0.0.1:${port}`}}}))
    const r = await ccx(['warehouse', 'publish', '--config', dead])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`ClickHouse at http://127.0.0.1:${port} is unreachable`)
    // a server that answers with an error: its message, naming the URL
    const noDb = join(dir.path, 'nodb.json')
    writeFileSync(noDb, JSON.stringify({db, warehouse: {clickhouse: {url: one.url, database: 'no_such_db'}}}))
    const missing = await ccx(['report', 'overview', '--config', noDb, '--warehouse'])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain(`ClickHouse at ${one.url} answered`)
    expect(missing.stderr).toContain('no_such_db')
    const customer = await ccx(['report', 'funnel', '--unit', 'customer', '--config', config2, '--warehouse'])
    expect(customer.code).toBe(2)
    expect(customer.stderr).toContain('--unit customer')
    const noConfig = await ccx(['report', 'funnel', '--db', db, '--warehouse'], {cwd: dir.path})
    expect(noConfig.code).toBe(6)
    expect(noConfig.stderr).toContain('warehouse.clickhouse.url')
  }, 300_000)
})
