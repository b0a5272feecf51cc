import {createServer, type Server} from 'node:http'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ccx, tempDir} from '../helpers/cli.js'
import {startServe, writeServeConfig, TEST_SITE, type RunningServe} from '../helpers/serve.js'
import {launchChromium} from '../helpers/browser.js'

const USER_AGENT = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'

/** The customer's site on another origin, its pages carrying the probe with the chat panel on. */
function startSite(probe: {base: string}): Promise<{server: Server; origin: string}> {
  const server = createServer((_req, res) => {
    res.writeHead(200, {'content-type': 'text/html; charset=utf-8'})
    res.end(`<!doctype html><html><head><meta charset="utf-8"><title>佳能服务与支持</title></head><body><h1>服务与支持</h1>
<script async src="${probe.base}/probe.js" data-site="${TEST_SITE.id}" data-key="${TEST_SITE.key}" data-bot="on"></script></body></html>`)
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({server, origin: `http://127.0.0.1:${(server.address() as any).port}`})),
  )
}

describe("the probe's chat panel asks the FAQ bot in a real headless Chromium", () => {
  const dir = tempDir('ccx-bot-browser-')
  const db = join(dir.path, 'ccx.duckdb')
  let serve: RunningServe
  let site: {server: Server; origin: string}
  let browser: import('playwright-core').Browser

  beforeAll(async () => {
    // the KB as an operator ships it to serve: imported (versions), then exported
    const {buildKb} = await import('../../fixtures/generator/kb.js')
    const kbFile = join(dir.path, 'kb.json')
    writeFileSync(kbFile, JSON.stringify({entries: buildKb()}))
    expect((await ccx(['kb', 'import', kbFile, '--db', db], {cwd: dir.path})).code).toBe(0)
    const exported = join(dir.path, 'kb-current.json')
    expect((await ccx(['kb', 'export', exported, '--db', db], {cwd: dir.path})).code).toBe(0)

    const probe = {base: ''}
    site = await startSite(probe)
    const configPath = writeServeConfig(dir.path, {botKb: exported})
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

  it('answers with the card, records 👍 and "talk to a person", and the exchange reaches DuckDB and report layers through the event log', async () => {
    const context = await browser.newContext({userAgent: USER_AGENT})
    await context.addInitScript(() => localStorage.setItem('ccx_vid', 'bot-visitor'))
    const page = await context.newPage()
    await page.goto(`${site.origin}/support`)
    await page.locator('.ccx-chat-input').waitFor({timeout: 60_000})
    await page.locator('.ccx-chat-input').fill('深圳的佳能维修点在哪里')
    await page.locator('.ccx-chat-send').click()
    const answer = page.locator('.ccx-chat-bot').first()
    await answer.waitFor({timeout: 60_000})
    expect(await answer.locator('.ccx-chat-answer').innerText()).toContain('服务网点查询')
    const card = answer.locator('.ccx-chat-card')
    expect(await card.innerText()).toBe('服务网点查询')
    expect(await card.getAttribute('href')).toBe('/service/stations')
    const exchangeId = await answer.getAttribute('data-ccx-exchange')
    expect(exchangeId).toMatch(/^bx-/)

    // feedback and the hand-over go to /collect; flush instead of waiting for the probe's batching timer
    const sent = (type: string) =>
      page.waitForResponse((r) => r.url().endsWith('/collect') && (r.request().postData() ?? '').includes(`"${type}"`) && r.ok())
    const voted = sent('bot_feedback')
    await answer.locator('.ccx-chat-vote-up').click()
    await page.evaluate(() => (window as any).ccx.flush())
    await voted
    const handed = sent('chat_request')
    await page.locator('.ccx-chat-person').click()
    await page.evaluate(() => (window as any).ccx.flush())
    await handed
    await page.locator('.ccx-chat-system').waitFor()
    await context.close()
    expect(await serve.stop('SIGTERM')).toBe(0)

    const ingest = await ccx(['ingest', 'probe', '--from-log', join(dir.path, 'log'), '--db', db, '--json'], {cwd: dir.path})
    expect(ingest.code, ingest.stderr).toBe(0)
    const {Store} = await import('../../src/store/store.js')
    const store = await Store.open(db)
    try {
      const rows = await store.all(
        `select exchange_id, question, entry_id, entry_version, handed_over, reason, feedback from bot_exchanges where visitor_id = 'bot-visitor'`,
      )
      expect(rows).toEqual([
        {
          exchange_id: exchangeId,
          question: '深圳的佳能维修点在哪里',
          entry_id: 'svc-station',
          entry_version: 1,
          handed_over: false,
          reason: 'matched',
          feedback: 'up',
        },
      ])
      const requests = await store.all(`select ref_id from raw_probe_events where visitor_id = 'bot-visitor' and type = 'chat_request'`)
      expect(requests).toEqual([{ref_id: exchangeId}])
    } finally {
      await store.close()
    }

    // report layers reads the exchange: answered, 👍, but the visitor asked for a person (not contained)
    const layers = await ccx(['report', 'layers', '--db', db, '--refresh', '--json'], {cwd: dir.path})
    expect(layers.code, layers.stderr).toBe(0)
    expect(layers.json().botExchanges).toMatchObject({
      exchanges: 1,
      contacts: 1,
      answered: 1,
      handedOver: 0,
      contained: 0,
      containment: 0,
      fromFeedback: {judged: 1, correct: 1, accuracy: 1},
    })
  })
})
