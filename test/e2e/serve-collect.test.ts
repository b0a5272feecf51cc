import {connect} from 'node:net'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {closedSegments} from '../../src/serve/segment-log.js'
import {segmentRows} from '../helpers/serve-log.js'
import {ccx, tempDir} from '../helpers/cli.js'
import {startServe, writeServeConfig, TEST_SITE, type RunningServe} from '../helpers/serve.js'

const SHENZHEN_IP = '113.116.1.1'
// a browser's user agent: Node's fetch says "node", which the bot list (isbot) rightly counts as a script
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36'
// 佳能维修站 in GB2312, as Baidu writes it with ie=gb2312.
const BAIDU_GBK = 'https://www.baidu.com/s?wd=%BC%D1%C4%DC%CE%AC%D0%DE%D5%BE&ie=gb2312'

function batch(visitor: string, events: object[], extra: object = {}) {
  return {site: TEST_SITE.id, key: TEST_SITE.key, visitor_id: visitor, visit_count: 1, events, ...extra}
}

async function post(s: RunningServe, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${s.base}/collect`, {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: {'content-type': 'text/plain', 'x-forwarded-for': SHENZHEN_IP, 'user-agent': CHROME, ...headers},
  })
  return {status: res.status, body: (await res.json()) as any, headers: res.headers}
}

describe('ccx serve /collect', () => {
  const dir = tempDir()
  let serve: RunningServe
  let acked = 0
  beforeAll(async () => {
    writeServeConfig(dir.path, {requestTimeoutMs: 1500})
    serve = await startServe(['--log-dir', join(dir.path, 'log')], dir.path)
  })
  afterAll(async () => {
    await serve?.stop('SIGKILL')
    dir.cleanup()
  })

  it('answers the Shenzhen visitor from Baidu "佳能维修站" with the Shenzhen repair station card', async () => {
    const r = await post(
      serve,
      batch('v-sz', [
        {id: 'e1', type: 'pageview', url: 'https://www.canon-like.cn/service/stations', title: '佳能维修站查询', referrer: BAIDU_GBK},
      ]),
      {origin: 'http://allowed.test'},
    )
    expect(r.status).toBe(200)
    expect(r.headers.get('access-control-allow-origin')).toBe('http://allowed.test')
    acked += r.body.accepted
    const card = r.body.directives.find((d: any) => d.type === 'card')
    expect(card, JSON.stringify(r.body)).toBeDefined()
    expect(card.resource.type).toBe('repair_station')
    expect(card.resource.city).toBe('深圳市')
  })

  it('GET /live and `ccx top --once --json` show the visitor on site with place and intent', async () => {
    const top = await ccx(['top', '--url', serve.admin, '--once', '--json'])
    expect(top.code, top.stderr).toBe(0)
    const sz = top.json().visitors.find((v: any) => v.visitorId === 'v-sz')
    expect(sz).toMatchObject({city: '深圳市', intent: 'service_station', source: 'Baidu', term: '佳能维修站', visitNumber: 1})
  })

  it('refuses each kind of bad request with a clear 4xx and counts it', async () => {
    const big = await post(serve, 'x'.repeat(70 * 1024))
    expect([big.status, big.body.error]).toEqual([413, 'body_too_large'])
    const malformed = await post(serve, '{"site": ')
    expect([malformed.status, malformed.body.error]).toEqual([400, 'malformed_json'])
    const wrongType = await post(serve, {...batch('v', [{type: 'pageview'}]), visitor_id: 42})
    expect([wrongType.status, wrongType.body.error]).toEqual([422, 'invalid_batch'])
    expect(wrongType.body.message).toMatch(/visitor_id/)
    const unknownSite = await post(serve, {...batch('v', [{type: 'pageview'}]), site: 'who'})
    expect([unknownSite.status, unknownSite.body.error]).toEqual([403, 'unknown_site'])
    const badKey = await post(serve, {...batch('v', [{type: 'pageview'}]), key: 'nope'})
    expect([badKey.status, badKey.body.error]).toEqual([403, 'bad_site_key'])
    const origin = await post(serve, batch('v', [{type: 'pageview'}]), {origin: 'http://evil.test'})
    expect([origin.status, origin.body.error]).toEqual([403, 'origin_not_allowed'])
    const oversized = await post(serve, batch('v', [{type: 'pageview', url: 'https://x/' + 'a'.repeat(3000)}]))
    expect([oversized.status, oversized.body.error]).toEqual([422, 'invalid_batch'])
    expect(oversized.body.message).toMatch(/events\[0\]\.url/)
    // A batch with one bad event keeps the good one.
    const mixed = await post(serve, batch('v-mixed', [{id: 'm1', type: 'pageview', url: 'https://www.canon-like.cn/'}, {type: 'teleport'}]))
    expect(mixed.status).toBe(200)
    expect(mixed.body.accepted).toBe(1)
    expect(mixed.body.rejected).toEqual([{index: 1, field: 'type', reason: 'unknown event type "teleport"'}])
    acked += mixed.body.accepted

    // A slow client that never finishes its body gets 408 and the server stays up.
    const slow = await new Promise<string>((resolve) => {
      const socket = connect(serve.port, '127.0.0.1', () =>
        socket.write('POST /collect HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"site"'),
      )
      let got = ''
      socket.on('data', (d) => (got += d.toString()))
      socket.on('close', () => resolve(got))
    })
    expect(slow).toMatch(/^HTTP\/1\.1 408/)

    const metrics = await (await fetch(`${serve.admin}/metrics`)).text()
    for (const reason of [
      'body_too_large',
      'malformed_json',
      'invalid_batch',
      'unknown_site',
      'bad_site_key',
      'origin_not_allowed',
      'timeout',
    ]) {
      expect(metrics).toMatch(new RegExp(`ccx_rejected_requests_total\\{reason="${reason}"\\} [1-9]`))
    }
    expect(metrics).toMatch(/ccx_events_rejected_total 1/)
    expect((await fetch(`${serve.base}/healthz`)).status).toBe(200)
  })

  it('serves the probe script: small, no eval, text-only rendering', async () => {
    const res = await fetch(`${serve.base}/probe.js`)
    const js = await res.text()
    expect(res.headers.get('content-type')).toMatch(/javascript/)
    // small on the wire (gzipped, as browsers fetch it), the widgets' styles and words included
    expect(res.headers.get('content-encoding')).toBe('gzip')
    expect(Number(res.headers.get('content-length'))).toBeLessThan(10 * 1024)
    expect(js.length).toBeLessThan(24 * 1024)
    expect(js).not.toMatch(/\beval\(|new Function|innerHTML|insertAdjacentHTML|document\.write/)
  })

  it('SIGTERM drains and closes the segment: every acknowledged event is in the log once', async () => {
    const results = await Promise.all(
      Array.from({length: 20}, (_, i) =>
        post(
          serve,
          batch(`v-load-${i}`, [
            {id: `p${i}`, type: 'pageview', url: 'https://www.canon-like.cn/'},
            {id: `h${i}`, type: 'heartbeat'},
          ]),
        ),
      ),
    )
    acked += results.reduce((n, r) => n + r.body.accepted, 0)
    expect(await serve.stop('SIGTERM')).toBe(0)
    const ids = segmentRows(closedSegments(join(dir.path, 'log')).map((f) => readFileSync(f, 'utf8'))).map((r) => r.event_id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids.length).toBe(acked)
  })
})

describe('ccx serve rate limit', () => {
  it('answers a flood from one address with 429 and keeps serving others', async () => {
    const dir = tempDir()
    // one token per 1000 s: however slow the machine, no token comes back during the test (at 1/s a busy machine
    // refilled one between the six requests)
    writeServeConfig(dir.path, {ratePerSecond: 0.001, rateBurst: 3})
    const serve = await startServe(['--log-dir', join(dir.path, 'log')], dir.path)
    try {
      const statuses = []
      for (let i = 0; i < 6; i++)
        statuses.push((await post(serve, batch('v', [{type: 'heartbeat'}]), {'x-forwarded-for': '1.2.3.4'})).status)
      expect(statuses.slice(0, 3)).toEqual([200, 200, 200])
      expect(statuses.slice(3)).toEqual([429, 429, 429])
      expect((await post(serve, batch('v2', [{type: 'heartbeat'}]), {'x-forwarded-for': '5.6.7.8'})).status).toBe(200)
    } finally {
      await serve.stop()
      dir.cleanup()
    }
  })
})
