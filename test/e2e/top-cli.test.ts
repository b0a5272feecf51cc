import {execFileSync, spawnSync} from 'node:child_process'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ccx, RUN_JS, tempDir} from '../helpers/cli.js'
import {startServe, writeServeConfig, TEST_SITE, type RunningServe} from '../helpers/serve.js'

// `ccx top` against a real `ccx serve`: three visitors get a directive each, then each moves on (a heartbeat, and for
// one a page that fires nothing); the console still lists the three directives, with the counts /metrics has.

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
const BAIDU_GBK = 'https://www.baidu.com/s?wd=%BC%D1%C4%DC%CE%AC%D0%DE%D5%BE&ie=gb2312'
const VISITORS = [
  {
    id: 'v-shenzhen',
    ip: '113.116.1.1',
    visits: 1,
    page: {url: 'https://www.canon-like.cn/service/stations', title: '佳能维修站查询', referrer: BAIDU_GBK},
    expect: {city: '深圳市', intent: 'service_station', type: 'card', scenarioId: 'service-station-card'},
  },
  {
    id: 'v-changsha',
    ip: '106.18.128.10',
    visits: 3,
    page: {
      url: 'https://www.canon-like.cn/fax/l170-price',
      title: '佳能传真机报价',
      referrer: 'https://www.google.com/search?q=' + encodeURIComponent('佳能传真机报价'),
    },
    expect: {city: '长沙市', intent: 'price_quote', type: 'invite', scenarioId: 'returning-quote-invite'},
  },
  {
    id: 'v-shenyang',
    ip: '59.46.0.1',
    visits: 1,
    page: {
      url: 'https://www.canon-like.cn/stores',
      title: '佳能专卖店',
      referrer: 'https://www.google.com/search?q=' + encodeURIComponent('佳能专卖店'),
    },
    expect: {city: '沈阳市', intent: 'store_locator', type: 'card', scenarioId: 'store-locator-card'},
  },
]

async function collect(serve: RunningServe, v: (typeof VISITORS)[number], events: object[]) {
  const res = await fetch(`${serve.base}/collect`, {
    method: 'POST',
    body: JSON.stringify({site: TEST_SITE.id, key: TEST_SITE.key, visitor_id: v.id, visit_count: v.visits, events}),
    headers: {'content-type': 'text/plain', 'x-forwarded-for': v.ip, 'user-agent': CHROME},
  })
  expect(res.status).toBe(200)
  return (await res.json()) as {directives: Array<{type: string; scenarioId: string}>}
}

/** ccx_directives_total summed over types, and ccx_visitors_online. */
async function metrics(serve: RunningServe): Promise<{directives: number; online: number; byType: Record<string, number>}> {
  const text = await (await fetch(`${serve.admin}/metrics`)).text()
  const byType: Record<string, number> = {}
  for (const m of text.matchAll(/^ccx_directives_total\{type="(\w+)"\} (\d+)$/gm)) byType[m[1]] = Number(m[2])
  return {
    directives: Object.values(byType).reduce((a, b) => a + b, 0),
    online: Number(/^ccx_visitors_online (\d+)$/m.exec(text)![1]),
    byType,
  }
}

const hasTmux = spawnSync('tmux', ['-V']).status === 0

describe('ccx top after three directives fired and the visitors moved on', () => {
  const dir = tempDir()
  let serve: RunningServe

  beforeAll(async () => {
    writeServeConfig(dir.path)
    serve = await startServe(['--log-dir', join(dir.path, 'log')], dir.path)
    for (const v of VISITORS) {
      const answer = await collect(serve, v, [{id: `${v.id}-1`, type: 'pageview', ...v.page}])
      expect(answer.directives.map((d) => [d.type, d.scenarioId])).toEqual([[v.expect.type, v.expect.scenarioId]])
    }
    // moved on: a heartbeat each, and the Shenzhen visitor opens a page that fires nothing
    for (const v of VISITORS) expect((await collect(serve, v, [{id: `${v.id}-2`, type: 'heartbeat'}])).directives).toEqual([])
    const next = await collect(serve, VISITORS[0], [{id: 'v-shenzhen-3', type: 'pageview', url: 'https://www.canon-like.cn/about'}])
    expect(next.directives).toEqual([])
  })

  afterAll(async () => {
    await serve?.stop('SIGKILL')
    dir.cleanup()
  })

  it('`ccx top --once --json` lists the three directives and counts what /metrics counts', async () => {
    const top = await ccx(['top', '--url', serve.admin, '--once', '--json'])
    expect(top.code, top.stderr).toBe(0)
    const result = top.json()
    expect(result.directives.map((d: any) => [d.visitorId, d.city, d.intent, d.type, d.scenarioId])).toEqual(
      [...VISITORS].reverse().map((v) => [v.id, v.expect.city, v.expect.intent, v.expect.type, v.expect.scenarioId]),
    )
    for (const d of result.directives) expect(d.ts).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/)
    // each visitor keeps the directive fired for them, though their last batch fired none
    const visitors = Object.fromEntries(result.visitors.map((v: any) => [v.visitorId, v.directives]))
    expect(visitors).toEqual(Object.fromEntries(VISITORS.map((v) => [v.id, [v.expect.scenarioId]])))
    const m = await metrics(serve)
    expect(m).toEqual({directives: 3, online: 3, byType: {card: 2, invite: 1}})
    expect(result.totals).toEqual(m.byType)
    expect(result.online).toBe(m.online)
  })

  it('`ccx top --once` prints the directives fired with time, visitor, place, intent and directive', async () => {
    const top = await ccx(['top', '--url', serve.admin, '--once'])
    expect(top.code, top.stderr).toBe(0)
    expect(top.stdout).toMatch(/^3 visitors on site · 3 directives fired since serve started: card 2, invite 1$/m)
    const rows = top.stdout.split('Visitors on site')[0].split('\n')
    for (const v of VISITORS) {
      const row = rows.find((l) => l.includes(v.id))
      expect(row, top.stdout).toMatch(
        new RegExp(
          `^\\d{2}:\\d{2}:\\d{2}\\s+${v.id}\\s+${v.expect.city}\\s+${v.expect.intent}\\s+${v.expect.type}\\s+${v.expect.scenarioId}`,
        ),
      )
    }
  })

  it.skipIf(!hasTmux)('the live console (Ink, in tmux) lists the three and follows a fourth as it fires', async () => {
    const socket = `ccx-top-test-${process.pid}`
    const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], {encoding: 'utf8'})
    const screen = () => tmux('capture-pane', '-p', '-t', 'top')
    const waitFor = async (check: (s: string) => boolean, what: string) => {
      const deadline = Date.now() + 30_000
      for (;;) {
        const now = screen()
        if (check(now)) return now
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the screen:\n${now}`)
        await new Promise((r) => setTimeout(r, 100))
      }
    }
    tmux('new-session', '-d', '-s', 'top', '-x', '150', '-y', '45', `'${process.execPath}' '${RUN_JS}' top --url ${serve.admin}`)
    try {
      let s = await waitFor((s) => s.includes('3 directives fired'), 'the snapshot')
      expect(s).toMatch(/3 visitors on site · 3 directives fired since serve started: card 2, invite 1/)
      const fired = s.slice(s.indexOf('Directives fired'), s.indexOf('Visitors on site'))
      for (const v of VISITORS)
        expect(fired).toMatch(
          new RegExp(
            `\\d{2}:\\d{2}:\\d{2}\\s+${v.id}\\s+${v.expect.city}\\s+${v.expect.intent}\\s+${v.expect.type}\\s+${v.expect.scenarioId}`,
          ),
        )

      // a fourth directive, live: listed first, and the counts follow /metrics
      const kunming = {
        ...VISITORS[2],
        id: 'v-kunming',
        ip: '116.52.0.1',
        expect: {city: '昆明市', intent: 'store_locator', type: 'card', scenarioId: 'store-locator-card'},
      }
      expect((await collect(serve, kunming, [{id: 'k1', type: 'pageview', ...kunming.page}])).directives).toHaveLength(1)
      s = await waitFor((s) => s.includes('4 directives fired'), 'the fourth directive')
      expect(s).toMatch(/4 visitors on site · 4 directives fired since serve started: card 3, invite 1/)
      expect(await metrics(serve)).toEqual({directives: 4, online: 4, byType: {card: 3, invite: 1}})
      const lines = s.slice(s.indexOf('Directives fired')).split('\n')
      expect(lines[2]).toMatch(/v-kunming\s+昆明市\s+store_locator\s+card\s+store-locator-card/)
    } finally {
      spawnSync('tmux', ['-L', socket, 'kill-server'])
    }
  })
})
