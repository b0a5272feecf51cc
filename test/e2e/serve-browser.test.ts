import {createServer, type Server} from 'node:http'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {closedSegments} from '../../src/serve/segment-log.js'
import {segmentRows} from '../helpers/serve-log.js'
import {ccx, tempDir} from '../helpers/cli.js'
import {startServe, writeServeConfig, TEST_SITE, type RunningServe} from '../helpers/serve.js'
import {launchChromium} from '../helpers/browser.js'

const SHENZHEN_IP = '113.116.1.1'
const CHANGSHA_IP = '106.18.128.10'
const BAIDU_GBK = 'https://www.baidu.com/s?wd=%BC%D1%C4%DC%CE%AC%D0%DE%D5%BE&ie=gb2312'
// Headless Chromium says "HeadlessChrome" and ccx rightly treats it as a bot (no directives): browse as a person's Chrome.
const USER_AGENT = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
const GOOGLE_FAX_QUOTE = 'https://www.google.com/search?q=' + encodeURIComponent('佳能传真机报价')

/** A customer's web site on another origin, with the probe tag in its pages (pointing at `probe.base`). */
function startSite(probe: {base: string}): Promise<{server: Server; origin: string}> {
  const server = createServer((req, res) => {
    const title = req.url?.startsWith('/fax') ? '佳能传真机报价 - 佳能中国' : '佳能维修站查询 - 佳能中国'
    res.writeHead(200, {'content-type': 'text/html; charset=utf-8'})
    res.end(`<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>
<script async src="${probe.base}/probe.js" data-site="${TEST_SITE.id}" data-key="${TEST_SITE.key}"></script></body></html>`)
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({server, origin: `http://127.0.0.1:${(server.address() as any).port}`})),
  )
}

describe('the page probe in a real headless Chromium', () => {
  const dir = tempDir()
  let serve: RunningServe
  let site: {server: Server; origin: string}
  let browser: import('playwright-core').Browser

  beforeAll(async () => {
    const probe = {base: ''}
    site = await startSite(probe)
    const configPath = writeServeConfig(dir.path)
    const config = JSON.parse(readFileSync(configPath, 'utf8'))
    config.sites[0].allowedOrigins = [site.origin]
    writeFileSync(configPath, JSON.stringify(config))
    serve = await startServe(['--log-dir', join(dir.path, 'log')], dir.path)
    probe.base = serve.base
    browser = await launchChromium()
  })

  afterAll(async () => {
    await browser?.close()
    site?.server.close()
    await serve?.stop('SIGKILL')
    dir.cleanup()
  })

  it('shows the Shenzhen visitor from Baidu "佳能维修站" the Shenzhen repair station card', async () => {
    const context = await browser.newContext({userAgent: USER_AGENT, extraHTTPHeaders: {'x-forwarded-for': SHENZHEN_IP}})
    const page = await context.newPage()
    await page.goto(`${site.origin}/service/stations`, {referer: BAIDU_GBK})
    const card = page.locator('.ccx-card')
    await card.waitFor({timeout: 120_000})
    const text = await card.innerText()
    expect(text).toMatch(/深圳/)
    await page.screenshot({path: join(process.env.CCX_SCREENSHOT_DIR ?? dir.path, 'probe-shenzhen.png')})
    await context.close()
  })

  it('records an accepted invitation (Changsha, Google "佳能传真机报价", third visit) and the events reach DuckDB', async () => {
    const context = await browser.newContext({userAgent: USER_AGENT, extraHTTPHeaders: {'x-forwarded-for': CHANGSHA_IP}})
    await context.addInitScript(() => {
      if (!localStorage.getItem('ccx_vid')) {
        localStorage.setItem('ccx_vid', 'changsha-visitor')
        localStorage.setItem('ccx_visits', '2')
      }
    })
    const page = await context.newPage()
    await page.goto(`${site.origin}/fax/l170-price`, {referer: GOOGLE_FAX_QUOTE})
    const invite = page.locator('.ccx-invite')
    await invite.waitFor({timeout: 120_000})
    expect(await invite.innerText()).toMatch(/长沙/)
    // the probe batches for up to a second: wait for the server's answer to the batch holding the acceptance
    const acknowledged = page.waitForResponse(
      (r) => r.url().endsWith('/collect') && (r.request().postData() ?? '').includes('"chat_request"') && r.ok(),
      {timeout: 120_000},
    )
    await page.locator('.ccx-invite .ccx-primary').click()
    await acknowledged
    await context.close()
    expect(await serve.stop('SIGTERM')).toBe(0)

    const events = segmentRows(closedSegments(join(dir.path, 'log')).map((f) => readFileSync(f, 'utf8')))
    const changsha = events.filter((e) => e.visitor_id === 'changsha-visitor').map((e) => e.type)
    expect(changsha).toEqual(expect.arrayContaining(['pageview', 'invite_shown', 'invite_accepted', 'chat_request']))

    const db = join(dir.path, 'ccx.duckdb')
    const ingest = await ccx(['ingest', 'probe', '--from-log', join(dir.path, 'log'), '--db', db, '--json'], {cwd: dir.path})
    expect(ingest.code, ingest.stderr).toBe(0)
    const again = await ccx(['ingest', 'probe', '--from-log', join(dir.path, 'log'), '--db', db, '--json'], {cwd: dir.path})
    expect(again.json().totals.loaded).toBe(0)
    const {Store} = await import('../../src/store/store.js')
    const store = await Store.open(db)
    const n = await store.scalar<number>(`select count(*) from raw_probe_events`)
    const accepted = await store.scalar<number>(
      `select count(*) from raw_probe_events where visitor_id = 'changsha-visitor' and type = 'invite_accepted'`,
    )
    await store.close()
    expect(n).toBe(events.length)
    expect(accepted).toBe(1)
  })
})
