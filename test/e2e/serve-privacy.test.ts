import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {closedSegments} from '../../src/serve/segment-log.js'
import {Store} from '../../src/store/store.js'
import {ccx, ROOT, tempDir} from '../helpers/cli.js'
import {startServe, writeServeConfig, TEST_SITE} from '../helpers/serve.js'

// Issue 15: what ccx stores of a visitor — contact details typed into ccx's own lead form, addresses under
// `privacy.ip: truncate` (geo taken first), and text with a legitimate U+FFFD — from `serve` through ingest to sessions.

const SHENZHEN_IP = '113.116.1.1'
// the real-style sample (hand-written from the probe's format): nine visitors across China
const SAMPLE = join(ROOT, 'fixtures/samples/probe_events.csv')

async function query<T extends Record<string, unknown> = Record<string, unknown>>(db: string, sql: string): Promise<T[]> {
  const store = await Store.open(db, {readOnly: true})
  try {
    return await store.all<T>(sql)
  } finally {
    await store.close()
  }
}

let dir: {path: string; cleanup: () => void}
beforeAll(() => {
  dir = tempDir('ccx-e2e-privacy-')
})
afterAll(() => dir.cleanup())

describe('privacy through serve, ingest and normalize', () => {
  it("a lead form's phone is stored masked and hashed; the address truncated with its geo; U+FFFD kept", async () => {
    const cwd = join(dir.path, 'serve')
    const {mkdirSync} = await import('node:fs')
    mkdirSync(cwd)
    writeServeConfig(cwd, {}, {privacy: {ip: 'truncate'}})
    const logDir = join(cwd, 'log')
    const serve = await startServe(['--log-dir', logDir], cwd)
    const post = (events: object[]) =>
      fetch(`${serve.base}/collect`, {
        method: 'POST',
        headers: {'content-type': 'text/plain', 'x-forwarded-for': SHENZHEN_IP},
        body: JSON.stringify({site: TEST_SITE.id, key: TEST_SITE.key, visitor_id: 'v-lead', visit_count: 1, events}),
      }).then(async (r) => [r.status, ((await r.json()) as {accepted: number}).accepted])
    const title = '佳能维修站 \uFFFD 查询'
    expect(await post([{id: 'p1', type: 'pageview', url: 'https://www.canon-like.cn/service/stations', title}])).toEqual([200, 1])
    // what probe.js sends when the visitor submits ccx's lead form
    expect(await post([{id: 'l1', type: 'lead', directive_id: 'd1', props: JSON.stringify({phone: '138 1234 5678'})}])).toEqual([200, 1])
    expect(await serve.stop()).toBe(0)
    const logged = closedSegments(logDir)
      .map((f) => readFileSync(f, 'utf8'))
      .join('')
    expect(logged).not.toContain('1234 5678')
    expect(logged).not.toContain(SHENZHEN_IP)

    const db = join(cwd, 'ccx.duckdb')
    const ingest = await ccx(['ingest', 'probe', '--from-log', logDir, '--db', db, '--json'], {cwd})
    expect(ingest.code, ingest.stderr).toBe(0)
    expect(ingest.json().totals).toMatchObject({loaded: 2, quarantined: 0})
    const rows = await query<{event_id: string; ip: string; title: string; props: string}>(
      db,
      `select event_id, ip, title, props from raw_probe_events order by event_id`,
    )
    expect(rows.map((r) => [r.event_id, r.ip])).toEqual([
      ['canon-cn:v-lead:l1', '113.116.1.0'],
      ['canon-cn:v-lead:p1', '113.116.1.0'],
    ])
    expect(rows[1]!.title).toBe(title)
    const data = JSON.parse(JSON.parse(rows[0]!.props).data)
    // sha256 of 13812345678: `printf 13812345678 | sha256sum`
    expect(data).toEqual({phone: '138****5678', phone_hash: '38aed9048140b0e437ea81461d9ea4524169f6795004da120bcf7d41894e4d15'})

    const run = await ccx(['run', 'normalize', '--db', db, '--json'], {cwd})
    expect(run.code, run.stderr).toBe(0)
    const [session] = await query<{ip: string; province: string; city: string}>(db, `select ip, province, city from sessions`)
    expect(session).toEqual({ip: '113.116.1.0', province: '广东省', city: '深圳市'})
  }, 120_000)

  it('privacy.ip = truncate on the real-style sample: every address cut to its network, every session in the same place', async () => {
    const keepDir = join(dir.path, 'keep')
    const cutDir = join(dir.path, 'cut')
    for (const [d, ip] of [
      [keepDir, 'keep'],
      [cutDir, 'truncate'],
    ] as const) {
      const {mkdirSync} = await import('node:fs')
      mkdirSync(d)
      writeFileSync(join(d, 'ccx.config.json'), JSON.stringify({privacy: {ip}}))
      const ingest = await ccx(['ingest', 'probe', SAMPLE, '--db', join(d, 'ccx.duckdb'), '--json'], {cwd: d})
      expect(ingest.code, ingest.stderr).toBe(0)
      const run = await ccx(['run', 'normalize', '--db', join(d, 'ccx.duckdb'), '--json'], {cwd: d})
      expect(run.code, run.stderr).toBe(0)
    }
    const places = (d: string) =>
      query<{session_id: string; province: string; city: string; isp: string; ip: string}>(
        join(d, 'ccx.duckdb'),
        `select session_id, province, city, isp, ip from sessions order by session_id`,
      )
    const kept = await places(keepDir)
    const cut = await places(cutDir)
    expect(kept.length).toBeGreaterThan(5)
    expect(cut.map((s) => [s.session_id, s.province, s.city, s.isp])).toEqual(kept.map((s) => [s.session_id, s.province, s.city, s.isp]))
    expect(kept.filter((s) => s.city).length).toBeGreaterThan(5)
    // every address becomes a network address of its own /24 (IPv4) or /48 (IPv6)
    for (const [k, c] of kept.map((s, i) => [s.ip, cut[i]!.ip])) {
      expect(c).not.toBe(k)
      if (k.includes(':')) expect(c).toBe(`${k.split(':').slice(0, 3).join(':')}::`)
      else expect(c.split('.').slice(0, 3)).toEqual(k.split('.').slice(0, 3))
    }
    const full = await query<{n: number}>(
      join(cutDir, 'ccx.duckdb'),
      `select count(*)::INTEGER n from (select ip from raw_probe_events union all select ip from ip_geo_map) where ip in (${kept.map((s) => `'${s.ip}'`).join(',')})`,
    )
    expect(full[0]!.n).toBe(0)

    // switched on later: the next ingest truncates what was stored before
    writeFileSync(join(keepDir, 'ccx.config.json'), JSON.stringify({privacy: {ip: 'truncate'}}))
    const other = join(keepDir, 'one.ndjson')
    writeFileSync(
      other,
      JSON.stringify({event_id: 'x1', ts: '2026-10-30 09:00:00', site: 'canon', visitor_id: 'v-x', type: 'pageview', ip: '58.250.1.9'}) +
        '\n',
    )
    const again = await ccx(['ingest', 'probe', other, '--db', join(keepDir, 'ccx.duckdb'), '--json'], {cwd: keepDir})
    expect(again.code, again.stderr).toBe(0)
    const left = await query<{n: number}>(
      join(keepDir, 'ccx.duckdb'),
      `select count(*)::INTEGER n from raw_probe_events where ip in (${kept.map((s) => `'${s.ip}'`).join(',')}, '58.250.1.9')`,
    )
    expect(left[0]!.n).toBe(0)
  }, 180_000)

  it('contact values in the props of any probe file are masked and hashed; raw only in contacts_raw with --keep-contacts', async () => {
    const d = join(dir.path, 'file')
    const {mkdirSync} = await import('node:fs')
    mkdirSync(d)
    const file = join(d, 'leads.ndjson')
    const lines = [
      // as a site's own form might send them through the probe (keys in Chinese and English)
      {
        event_id: 'f1',
        ts: '2026-10-30 10:00:00',
        site: 'canon',
        visitor_id: 'v-f',
        type: 'lead',
        props: JSON.stringify({手机: '13987654321', 来源: '询价'}),
      },
      {
        event_id: 'f2',
        ts: '2026-10-30 10:01:00',
        site: 'canon',
        visitor_id: 'v-f',
        type: 'lead',
        props: {email: 'Li.Wei@Example.com', channel: 'form'},
      },
      {event_id: 'f3', ts: '2026-10-30 10:02:00', site: 'canon', visitor_id: 'v-f', type: 'click', props: {telemetry: 'ok'}},
    ]
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n')
    const db = join(d, 'ccx.duckdb')
    const ingest = await ccx(['ingest', 'probe', file, '--db', db, '--keep-contacts', '--json'], {cwd: d})
    expect(ingest.code, ingest.stderr).toBe(0)
    const rows = await query<{event_id: string; props: string}>(db, `select event_id, props from raw_probe_events order by event_id`)
    const all = rows.map((r) => r.props).join('\n')
    expect(all).not.toContain('13987654321')
    expect(all).not.toMatch(/li\.wei@example\.com/i)
    expect(all).toContain('139****4321')
    expect(all).toContain('l***@example.com')
    expect(all).toContain('"telemetry":"ok"')
    const raw = await query<{kind: string; value: string}>(db, `select kind, value from contacts_raw order by kind`)
    expect(raw).toEqual([
      {kind: 'email', value: 'li.wei@example.com'},
      {kind: 'phone', value: '13987654321'},
    ])
  }, 120_000)
})
