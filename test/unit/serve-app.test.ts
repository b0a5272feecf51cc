import {request} from 'node:http'
import {connect, type Socket} from 'node:net'
import {readFileSync, readdirSync} from 'node:fs'
import {afterEach, describe, expect, it} from 'vitest'
import {closedSegments} from '../../src/serve/segment-log.js'
import {EndpointError, type SiteEndpoint} from '../../src/serve/site-endpoint.js'
import {parseServeConfig} from '../../src/config/serve.js'
import {tempDir} from '../helpers/cli.js'
import {segmentRows} from '../helpers/serve-log.js'
import {TEST_SITE} from '../helpers/serve.js'
import {startInProcess, type InProcessServe} from '../helpers/serve-app.js'

// The serve app driven in this process (node:http on port 0): each test attacks it as a hostile client would.

const SHENZHEN_IP = '113.116.1.1'

function batch(visitor: string, events: object[], extra: object = {}) {
  return {site: TEST_SITE.id, key: TEST_SITE.key, visitor_id: visitor, visit_count: 1, events, ...extra}
}

async function post(base: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}/collect`, {
    method: 'POST',
    body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
    headers: {'content-type': 'text/plain', ...headers},
  })
  const text = await res.text()
  let json: any
  try {
    json = JSON.parse(text)
  } catch {
    json = {text}
  }
  return {status: res.status, body: json, headers: res.headers}
}

/** Every line of the closed segments, as text (after stop). */
function logLines(dir: string): string[] {
  return closedSegments(dir).flatMap((s) => readFileSync(s, 'utf8').split('\n').filter(Boolean))
}

async function metricsText(s: InProcessServe): Promise<string> {
  return (await fetch(`${s.admin}/metrics`)).text()
}

/** Polls until `check` holds (no fixed sleeps: the machine may be busy). */
async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('serve app in process', () => {
  const dirs: Array<{cleanup: () => void}> = []
  const servers: InProcessServe[] = []
  async function start(options: Parameters<typeof startInProcess>[1] = {}): Promise<InProcessServe> {
    const dir = tempDir()
    dirs.push(dir)
    const s = await startInProcess(dir.path, options)
    servers.push(s)
    return s
  }
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.stop().catch(() => {})
    for (const d of dirs.splice(0)) d.cleanup()
  })

  it('answers /collect in process and logs the batch', async () => {
    const s = await start()
    const r = await post(s.base, batch('v1', [{id: 'e1', type: 'pageview', url: 'https://www.canon-like.cn/'}]), {
      'x-forwarded-for': SHENZHEN_IP,
    })
    expect([r.status, r.body.accepted]).toEqual([200, 1])
    // answered requests leave the in-flight count on keep-alive connections too
    for (let i = 2; i <= 5; i++) await post(s.base, batch('v1', [{id: `e${i}`, type: 'heartbeat'}]), {'x-forwarded-for': SHENZHEN_IP})
    await until(() => s.app.inFlight() === 0, 'no request in flight')
    await s.stop()
    const rows = segmentRows(closedSegments(s.logDir).map((f) => readFileSync(f, 'utf8')))
    expect(rows.map((r) => [r.event_id, r.ip])).toEqual([1, 2, 3, 4, 5].map((i) => [`canon-cn:v1:e${i}`, SHENZHEN_IP]))
  })

  it('a new site endpoint is one module and gets the checks /collect gets (key, origin, limits, UTF-8, JSON)', async () => {
    // e.g. the coming /bot: it parses its own body and answers; the plumbing does the rest
    const seen: string[] = []
    const echo: SiteEndpoint<{text: string}> = {
      path: '/echo',
      parse(body) {
        const b = body as {site?: unknown; key?: unknown; text?: unknown}
        if (typeof b.site !== 'string' || typeof b.text !== 'string')
          throw new EndpointError(422, 'invalid_echo', 'site and text are required')
        return {site: b.site, key: typeof b.key === 'string' ? b.key : undefined, value: {text: b.text}}
      },
      handle(request) {
        seen.push(`${request.ip} ${request.value.text}`)
        request.ok(JSON.stringify({ok: true, echo: request.value.text}))
      },
    }
    const s = await start({overrides: {endpoints: [echo as SiteEndpoint<unknown>], ratePerSecond: 1, rateBurst: 6}})
    const call = (body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${s.base}/echo`, {method: 'POST', body: body instanceof Uint8Array ? body : JSON.stringify(body), headers}).then(async (r) => [
        r.status,
        ((await r.json()) as {error?: string}).error ?? 'ok',
      ])
    const good = {site: TEST_SITE.id, key: TEST_SITE.key, text: '你好'}
    expect(await call(good, {origin: 'http://allowed.test'})).toEqual([200, 'ok'])
    expect(await call({...good, key: 'nope'})).toEqual([403, 'bad_site_key'])
    expect(await call(good, {origin: 'https://evil.example'})).toEqual([403, 'origin_not_allowed'])
    expect(await call({site: TEST_SITE.id})).toEqual([422, 'invalid_echo'])
    expect(await call(Buffer.from([0x7b, 0xff, 0x7d]))).toEqual([400, 'invalid_utf8'])
    expect(await call({...good, text: 'x'.repeat(70 * 1024)})).toEqual([413, 'body_too_large'])
    expect(await call(good)).toEqual([429, 'rate_limited'])
    expect(seen).toEqual(['127.0.0.1 你好'])
    const preflight = await fetch(`${s.base}/echo`, {method: 'OPTIONS', headers: {origin: 'https://evil.example'}})
    expect(preflight.status).toBe(403)
    expect(await metricsText(s)).toMatch(/ccx_requests_total\{listener="public",route="\/echo"\} 8/)
  })

  describe('invalid UTF-8 (issue 15, #2)', () => {
    it('refuses a body with a byte that is not UTF-8 before the ack, naming the event and field', async () => {
      const s = await start()
      const text = JSON.stringify(
        batch('v-utf', [
          {id: 'a', type: 'pageview', url: 'https://www.canon-like.cn/a', title: 'ok'},
          {id: 'b', type: 'pageview', url: 'https://www.canon-like.cn/b', title: '佳能XX'},
        ]),
      )
      const body = Buffer.from(text)
      const at = body.indexOf(Buffer.from('XX'))
      body[at] = 0xff // a lone byte that is not UTF-8
      const r = await post(s.base, body)
      expect([r.status, r.body.error]).toEqual([400, 'invalid_utf8'])
      expect(r.body.message).toMatch(/^events\[1\]\.title: not valid UTF-8/)
      await s.stop()
      expect(logLines(s.logDir)).toEqual([])
    })

    it('keeps a legitimate U+FFFD byte-exact in the log', async () => {
      const s = await start()
      const title = 'Ersatzzeichen \uFFFD im Titel'
      const r = await post(s.base, batch('v-fffd', [{id: 'f', type: 'pageview', url: 'https://www.canon-like.cn/f', title}]))
      expect([r.status, r.body.accepted]).toEqual([200, 1])
      await s.stop()
      const rows = segmentRows(closedSegments(s.logDir).map((f) => readFileSync(f, 'utf8')))
      expect(rows.map((r) => r.title)).toEqual([title])
    })
  })

  describe('read endpoints (issue 15, #4)', () => {
    it('serves /live and /metrics on the admin listener only, behind its token when one is set', async () => {
      const s = await start({serveExtra: {adminToken: 'a-token-of-16-chars-or-more'}})
      for (const path of ['/live', '/metrics']) {
        const pub = await fetch(`${s.base}${path}`)
        expect([path, pub.status]).toEqual([path, 404])
        const noToken = await fetch(`${s.admin}${path}`)
        expect([path, noToken.status]).toEqual([path, 401])
      }
      const ok = await fetch(`${s.admin}/metrics`, {headers: {authorization: 'Bearer a-token-of-16-chars-or-more'}})
      expect(ok.status).toBe(200)
      expect(await ok.text()).toMatch(/ccx_requests_total\{listener="public",route="\/live"\} 1/)
    })

    it('disconnects a /live client that does not read, with bounded memory', async () => {
      const s = await start({overrides: {live: {maxBufferedBytes: 64 * 1024}}})
      const socket: Socket = connect(s.listening.adminPort, '127.0.0.1')
      await new Promise((r) => socket.once('connect', r))
      socket.write('GET /live HTTP/1.1\r\nHost: x\r\n\r\n')
      let first = ''
      await new Promise<void>((resolve) =>
        socket.on('data', (d) => {
          first += d.toString()
          if (first.includes('event: snapshot')) resolve()
        }),
      )
      socket.pause() // stops reading: the kernel buffers fill, then the server's
      let closed = false
      socket.once('close', () => (closed = true))
      const big = 'x'.repeat(2000)
      let published = 0
      await until(async () => {
        for (let i = 0; i < 200; i++, published++)
          s.app.publishLive({
            site: 'canon-cn',
            visitorId: `v${published}`,
            lastSeen: new Date().toISOString(),
            url: big,
            visitNumber: 1,
            directives: [],
          })
        await new Promise((r) => setImmediate(r))
        return (await metricsText(s)).includes('ccx_live_dropped_clients_total{reason="slow_reader"} 1')
      }, 'the slow /live reader to be dropped')
      expect(await metricsText(s)).toMatch(/ccx_live_clients 0/)
      // what was published after the drop is not held for the client: far less than was published in all
      expect(published * big.length).toBeGreaterThan(64 * 1024)
      socket.resume()
      await until(() => closed, 'the dropped client socket to close')
    })
  })

  describe('proxies (issue 15, #5)', () => {
    it('takes the rightmost hop that is not a trusted proxy; forged hops neither dodge the rate limit nor get stored', async () => {
      const s = await start({serveExtra: {trustProxy: false, trustedProxies: ['127.0.0.1'], ratePerSecond: 1, rateBurst: 5}})
      let passed = 0
      for (let i = 0; i < 30; i++) {
        const r = await post(s.base, batch(`v-f${i}`, [{type: 'pageview', url: 'https://www.canon-like.cn/'}]), {
          'x-forwarded-for': `10.${i}.0.1, ${SHENZHEN_IP}`,
        })
        if (r.status === 200) passed++
      }
      expect(passed).toBe(5) // the burst of the one real client, whatever the forged hop on the left
      const script = await post(s.base, batch('v-x', [{type: 'pageview', url: 'https://www.canon-like.cn/'}]), {
        'x-forwarded-for': '<script>alert(1)</script>',
      })
      expect(script.status).toBe(200) // the proxy (127.0.0.1) vouches for nothing readable: its own address is used
      await s.stop()
      const ips = new Set(segmentRows(closedSegments(s.logDir).map((f) => readFileSync(f, 'utf8'))).map((r) => r.ip))
      expect([...ips].sort()).toEqual(['113.116.1.1', '127.0.0.1'])
    })

    it('refuses a trusted proxy entry that is not an address or block', () => {
      expect(() => parseServeConfig({trustedProxies: ['10.0.0.0/8', 'lb.internal']})).toThrow(/lb\.internal.*not an IP address/)
      expect(() => parseServeConfig({trustedProxies: ['10.0.0.0/33']})).toThrow(/prefix/)
    })
  })

  describe('admission control (issue 15, #6)', () => {
    it('answers 503 with Retry-After beyond the in-flight limit, and again when memory is over its limit', async () => {
      let memory = 0
      const s = await start({overrides: {maxInFlight: 2, memory: () => memory, maxMemoryBytes: 1000}})
      // two requests that never finish their bodies
      const held = [0, 1].map(() => {
        const socket = connect(s.listening.port, '127.0.0.1')
        socket.write('POST /collect HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{"site"')
        return socket
      })
      await until(() => s.app.inFlight() === 2, 'two requests in flight')
      const third = await post(s.base, batch('v-3', [{type: 'pageview', url: 'https://www.canon-like.cn/'}]))
      expect([third.status, third.body.error, third.headers.get('retry-after')]).toEqual([503, 'overloaded_in_flight', '2'])
      for (const h of held) h.destroy()
      await until(() => s.app.inFlight() === 0, 'the held requests to go')
      memory = 5000
      await until(async () => (await post(s.base, batch('v-m', [{type: 'pageview'}]))).status === 503, 'the memory limit')
      const m = await post(s.base, batch('v-m', [{type: 'pageview'}]))
      expect([m.status, m.body.error]).toEqual([503, 'overloaded_memory'])
      memory = 0
      await until(async () => (await post(s.base, batch('v-ok', [{type: 'pageview'}]))).status === 200, 'recovery')
    })
  })

  describe('CORS per site (issue 15, #7)', () => {
    const preflight = (base: string, origin: string) =>
      fetch(`${base}/collect`, {method: 'OPTIONS', headers: {origin, 'access-control-request-method': 'POST'}})

    it("allows only the site's domain and allowedOrigins, on preflight and on the request", async () => {
      const s = await start()
      const evil = await preflight(s.base, 'https://evil.example')
      expect([evil.status, evil.headers.get('access-control-allow-origin')]).toEqual([403, null])
      for (const origin of ['http://allowed.test', 'https://www.canon-like.cn', 'https://canon-like.cn']) {
        const ok = await preflight(s.base, origin)
        expect([origin, ok.status, ok.headers.get('access-control-allow-origin')]).toEqual([origin, 204, origin])
      }
      const fromDomain = await post(s.base, batch('v-o', [{type: 'pageview'}]), {origin: 'https://www.canon-like.cn'})
      expect([fromDomain.status, fromDomain.headers.get('access-control-allow-origin')]).toEqual([200, 'https://www.canon-like.cn'])
      // open-site has no domain and no allowedOrigins: no browser origin may post for it
      const other = await post(s.base, {...batch('v-o', [{type: 'pageview'}]), site: 'open-site'}, {origin: 'https://www.canon-like.cn'})
      expect([other.status, other.body.error]).toEqual([403, 'origin_not_allowed'])
      const noOrigin = await post(s.base, {...batch('v-o', [{type: 'pageview'}]), site: 'open-site'})
      expect(noOrigin.status).toBe(200)
    })

    it('serve.corsAnyOrigin is the development override', async () => {
      const s = await start({serveExtra: {corsAnyOrigin: true}})
      const r = await preflight(s.base, 'http://localhost:5173')
      expect([r.status, r.headers.get('access-control-allow-origin')]).toEqual([204, 'http://localhost:5173'])
    })
  })

  describe('contact data (issue 15, #9)', () => {
    it("stores the phone typed into ccx's lead form masked and hashed, never raw, in the event log", async () => {
      const s = await start()
      const r = await post(
        s.base,
        batch('v-lead', [{id: 'l1', type: 'lead', directive_id: 'd1', props: JSON.stringify({phone: '+86 138-1234-5678'})}]),
      )
      expect([r.status, r.body.accepted]).toEqual([200, 1])
      await s.stop()
      const text = closedSegments(s.logDir)
        .map((f) => readFileSync(f, 'utf8'))
        .join('')
      expect(text).not.toMatch(/1381234|5678.*1234|12345678/)
      const [row] = segmentRows([text])
      const props = JSON.parse(JSON.parse(String(row!.props)).data)
      // sha256 of the normalized number 13812345678, computed by hand with `printf 13812345678 | sha256sum`
      expect(props).toEqual({phone: '138****5678', phone_hash: '38aed9048140b0e437ea81461d9ea4524169f6795004da120bcf7d41894e4d15'})
    })

    it('stores the address truncated (privacy.ip = truncate), geo taken before', async () => {
      const s = await start({configExtra: {privacy: {ip: 'truncate'}}})
      const r = await post(
        s.base,
        batch('v-ip', [{type: 'pageview', url: 'https://www.canon-like.cn/service/stations', title: '佳能维修站查询'}]),
        {'x-forwarded-for': SHENZHEN_IP},
      )
      expect(r.status).toBe(200)
      const live = await fetch(`${s.admin}/live`)
      const reader = live.body!.getReader()
      const {value} = await reader.read()
      await reader.cancel()
      expect(Buffer.from(value!).toString()).toContain('深圳市')
      await s.stop()
      const rows = segmentRows(closedSegments(s.logDir).map((f) => readFileSync(f, 'utf8')))
      expect(rows.map((r) => r.ip)).toEqual(['113.116.1.0'])
      expect(readdirSync(s.logDir).join()).not.toContain('.open')
    })
  })

  describe('oversized bodies and slow clients (issue 15, #10)', () => {
    it('answers a streamed body over the limit with a readable 413, not a reset', async () => {
      const s = await start()
      const result = await new Promise<{status: number; body: string}>((resolve, reject) => {
        const req = request(`${s.base}/collect`, {method: 'POST', headers: {'content-type': 'text/plain'}}, (res) => {
          let body = ''
          res.on('data', (d) => (body += d))
          res.on('end', () => resolve({status: res.statusCode!, body}))
        })
        req.on('error', reject)
        // chunked, 256 KiB in 16 KiB pieces: the limit (64 KiB) is crossed while the client is still sending
        const piece = 'x'.repeat(16 * 1024)
        let n = 0
        const more = () => {
          while (n < 16) {
            n++
            if (!req.write(piece)) return void req.once('drain', more)
          }
          req.end()
        }
        more()
      })
      expect(result.status).toBe(413)
      expect(JSON.parse(result.body).error).toBe('body_too_large')
    })

    it('counts a slowloris connection once', async () => {
      const s = await start({serveExtra: {requestTimeoutMs: 500}})
      const socket = connect(s.listening.port, '127.0.0.1')
      socket.write('POST /collect HTTP/1.1\r\nHost: x\r\n')
      let got = ''
      socket.on('data', (d) => {
        got += d.toString()
        // the client keeps trickling headers after its 408, then goes
        socket.write('X-Slow: 1\r\n', () => socket.destroy())
      })
      await until(() => got.startsWith('HTTP/1.1 408') && socket.destroyed, 'the 408')
      await until(async () => /ccx_rejected_requests_total\{reason="timeout"\} 1/.test(await metricsText(s)), 'the count')
      const metrics = await metricsText(s)
      expect(metrics).not.toMatch(/reason="bad_request"/)
      expect(metrics).toMatch(/ccx_rejected_requests_total\{reason="timeout"\} 1\n/)
    })
  })
  describe('widgets (issue 19)', () => {
    const BAIDU_GBK = 'https://www.baidu.com/s?wd=%BC%D1%C4%DC%CE%AC%D0%DE%D5%BE&ie=gb2312'

    it("sends the site's brand colour with each of its directives, none for a site without one", async () => {
      const s = await start({
        configExtra: {
          sites: [
            {...TEST_SITE, brandColor: '#c00000'},
            {id: 'open-site', allowedOrigins: []},
          ],
        },
      })
      const pageview = (site: object) =>
        post(
          s.base,
          batch('v-brand', [{type: 'pageview', url: 'https://www.canon-like.cn/service', referrer: BAIDU_GBK}], site),
          // a person's browser (node's fetch is a script: no directives)
          {'x-forwarded-for': SHENZHEN_IP, 'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0.0.0 Safari/537.36'},
        )
      const branded = await pageview({})
      expect(branded.body.directives.map((d: any) => [d.type, d.theme])).toEqual([['card', {color: '#c00000'}]])
      const plain = await pageview({site: 'open-site', key: undefined})
      expect(plain.body.directives.map((d: any) => [d.type, d.theme])).toEqual([['card', undefined]])
    })

    it('refuses a brand colour that is not a hex colour, naming the field', async () => {
      const dir = tempDir()
      dirs.push(dir)
      const {writeFileSync} = await import('node:fs')
      const {loadConfig} = await import('../../src/config/load.js')
      const path = `${dir.path}/ccx.config.json`
      writeFileSync(path, JSON.stringify({sites: [{id: 'a', brandColor: 'red;background:url(//evil.example)'}]}))
      expect(() => loadConfig(path)).toThrow(/ccx.config.json:1: sites\[0\]\.brandColor: a hex colour such as "#c00000"/)
    })

    it('serves probe.js gzipped to browsers that accept it, as is to others', async () => {
      const s = await start()
      const {gunzipSync} = await import('node:zlib')
      const get = (headers: Record<string, string>) =>
        new Promise<{headers: Record<string, unknown>; body: Buffer}>((resolve, reject) => {
          const req = request(`${s.base}/probe.js`, {headers}, (res) => {
            const chunks: Buffer[] = []
            res.on('data', (c) => chunks.push(c))
            res.on('end', () => resolve({headers: res.headers, body: Buffer.concat(chunks)}))
          })
          req.on('error', reject)
          req.end()
        })
      const plain = await get({})
      const gz = await get({'accept-encoding': 'gzip, deflate, br'})
      expect(plain.headers['content-encoding']).toBeUndefined()
      expect(gz.headers['content-encoding']).toBe('gzip')
      expect(gz.headers.vary).toBe('Accept-Encoding')
      expect(gunzipSync(gz.body).equals(plain.body)).toBe(true)
      expect(plain.body.toString()).toContain('ccx page probe')
      expect(gz.body.length).toBeLessThan(plain.body.length / 2)
    })
  })
})
