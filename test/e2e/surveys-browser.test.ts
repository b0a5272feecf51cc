import {createServer, type Server} from 'node:http'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ccx, ROOT, tempDir} from '../helpers/cli.js'
import {startServe, writeServeConfig, TEST_SITE, type RunningServe} from '../helpers/serve.js'
import {launchChromium} from '../helpers/browser.js'

const USER_AGENT =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1'

/** The customer's support page on another origin; its own chat widget reports a chat's end to the probe. */
function startSite(probe: {base: string}): Promise<{server: Server; origin: string}> {
  const server = createServer((_req, res) => {
    res.writeHead(200, {'content-type': 'text/html; charset=utf-8'})
    res.end(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>佳能服务与支持</title></head><body><h1>服务与支持</h1>
<button id="end-chat">结束对话</button>
<script>document.getElementById('end-chat').onclick = function () { ccx.track('chat_end', {ref_id: 'CV-B1'}); ccx.flush() }</script>
<script async src="${probe.base}/probe.js" data-site="${TEST_SITE.id}" data-key="${TEST_SITE.key}"></script></body></html>`)
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({server, origin: `http://127.0.0.1:${(server.address() as any).port}`})),
  )
}

describe('a post-chat survey in a real headless Chromium, through the event log into the report', () => {
  const dir = tempDir('ccx-survey-browser-')
  const db = join(dir.path, 'ccx.duckdb')
  let serve: RunningServe
  let site: {server: Server; origin: string}
  let browser: import('playwright-core').Browser

  beforeAll(async () => {
    const probe = {base: ''}
    site = await startSite(probe)
    const scenarios = join(dir.path, 'scenarios.json')
    writeFileSync(
      scenarios,
      JSON.stringify({
        scenarios: [
          {id: 'post-chat-survey', when: {on: ['chat_end']}, actions: [{type: 'survey', survey: 'post-chat'}], limits: {perVisitor: 1}},
        ],
      }),
    )
    const configPath = writeServeConfig(dir.path, {}, {files: {scenarios, surveys: join(ROOT, 'defaults/surveys.json')}})
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

  it('a chat ends, the questionnaire appears, the visitor answers, DuckDB has the answers and report survey counts them', async () => {
    const context = await browser.newContext({userAgent: USER_AGENT, viewport: {width: 390, height: 844}})
    await context.addInitScript(() => localStorage.setItem('ccx_vid', 'survey-visitor'))
    const page = await context.newPage()
    await page.goto(`${site.origin}/support`)
    await page.waitForFunction(() => Boolean((window as any).ccx))
    await page.locator('#end-chat').click()
    const form = page.locator('.ccx-survey-form')
    await form.waitFor({timeout: 60_000})
    const dialog = page.getByRole('dialog', {name: '服务满意度调查'})
    expect(await dialog.isVisible()).toBe(true)
    // mobile: the panel fits the 390 px screen
    expect((await dialog.boundingBox())!.width).toBeLessThanOrEqual(390)

    // a required question left empty is said, not sent
    await page.getByRole('button', {name: '提交'}).click()
    const error = page.locator('fieldset[data-q="csat"] .ccx-error')
    expect(await error.innerText()).toBe('请回答这一题')

    await page
      .getByRole('group', {name: /您对本次在线客服的服务是否满意/})
      .getByLabel('4', {exact: true})
      .check()
    await page
      .getByRole('group', {name: /您的问题解决了吗/})
      .getByLabel('已解决')
      .check()
    // "resolved: yes" skips the question about what fell short
    expect(await page.locator('fieldset[data-q="why"]').isHidden()).toBe(true)
    await page
      .getByRole('group', {name: /推荐佳能/})
      .getByLabel('9', {exact: true})
      .check()
    await page.locator('fieldset[data-q="comment"] textarea').fill('客服回复很快，维修站也找到了')
    const sent = page.waitForResponse(
      (r) => r.url().endsWith('/collect') && (r.request().postData() ?? '').includes('"survey_answer"') && r.ok(),
    )
    await page.getByRole('button', {name: '提交'}).click()
    await sent
    await page.getByText('感谢您的反馈！').first().waitFor()
    await context.close()
    expect(await serve.stop('SIGTERM')).toBe(0)

    const ingest = await ccx(['ingest', 'probe', '--from-log', join(dir.path, 'log'), '--db', db, '--json'], {cwd: dir.path})
    expect(ingest.code, ingest.stderr).toBe(0)
    const {Store} = await import('../../src/store/store.js')
    const store = await Store.open(db)
    try {
      const rows = await store.all(
        `select survey_id, survey_version, conversation_id, campaign, answers from survey_responses where visitor_id = 'survey-visitor'`,
      )
      expect(rows).toHaveLength(1)
      expect(rows[0]).toMatchObject({survey_id: 'post-chat', survey_version: 1, conversation_id: 'CV-B1', campaign: 'service-csat'})
      expect(JSON.parse(String(rows[0]!.answers))).toEqual({csat: 4, resolved: 'yes', nps: 9, comment: '客服回复很快，维修站也找到了'})
    } finally {
      await store.close()
    }
    const report = await ccx(['report', 'survey', '--db', db, '--json'], {cwd: dir.path})
    expect(report.code, report.stderr).toBe(0)
    expect(report.json().surveys[0]).toMatchObject({
      survey: 'post-chat',
      version: 1,
      shown: 1,
      answered: 1,
      responseRate: 1,
      invalidAnswers: 0,
      csat: {n: 1, top2: 1},
      nps: {n: 1, promoters: 1, nps: 100},
    })
  }, 300_000)
})
