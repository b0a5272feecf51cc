import {createServer, type Server} from 'node:http'
import {createReadStream, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ROOT, ccx, tempDir} from '../helpers/cli.js'
import {startServe, writeServeConfig, TEST_SITE, type RunningServe} from '../helpers/serve.js'
import type {Browser, BrowserContext, Page} from 'playwright-core'
import {launchChromium} from '../helpers/browser.js'

// The probe's widgets on a company's product page (its own CSS: a reset, rem sizes, element-wide rules, a sticky
// header, a fixed sidebar) in real headless Chromium, at desktop and phone widths, served by a real `ccx serve`.
// Screenshots go to CCX_SCREENSHOT_DIR when set (docs/img is made that way, docs/serve.md "Widgets").

const SHENZHEN_IP = '113.116.1.1'
const CHANGSHA_IP = '106.18.128.10'
const BAIDU_GBK = 'https://www.baidu.com/s?wd=%BC%D1%C4%DC%CE%AC%D0%DE%D5%BE&ie=gb2312'
const GOOGLE_FAX_QUOTE = 'https://www.google.com/search?q=' + encodeURIComponent('佳能传真机报价')
const BRAND = '#c00000'
// the support page's own colour for the chat panel (data-color on its probe tag)
const CHAT_BRAND = '#0a6e4f'
// Headless Chromium says "HeadlessChrome" and ccx rightly treats it as a bot (no directives): browse as people do.
const DESKTOP = {
  name: 'desktop',
  viewport: {width: 1280, height: 800},
  userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
}
const PHONE = {
  name: 'phone',
  viewport: {width: 390, height: 844},
  userAgent: 'Mozilla/5.0 (Linux; Android 14; 23127PN0CC) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  isMobile: true,
  hasTouch: true,
}
type Device = typeof DESKTOP | typeof PHONE

const require = createRequire(import.meta.url)
const FONTS: Record<string, string> = {
  '/fonts/NotoSansSC-Regular.ttf': require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf'),
  '/fonts/NotoSansSC-Bold.ttf': require.resolve('@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf'),
}
const PAGE = readFileSync(join(ROOT, 'test/fixtures/web/product-page.html'), 'utf8')

/** The company's site on its own origin: the product page (three paths) with the probe tag, and its web font. */
function startSite(probe: {base: string}): Promise<{server: Server; origin: string}> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    if (FONTS[path]) {
      res.writeHead(200, {'content-type': 'font/ttf', 'cache-control': 'max-age=3600'})
      return void createReadStream(FONTS[path]).pipe(res)
    }
    const [title, h1, crumb, extra] = path.startsWith('/service')
      ? ['维修服务网点查询 - 佳能中国', '佳能维修服务网点查询', '服务网点', '']
      : path.startsWith('/support')
        ? ['服务与支持 - 佳能中国', '佳能服务与支持', '服务与支持', ` data-bot="on" data-color="${CHAT_BRAND}"`]
        : path.startsWith('/contact')
          ? ['联系我们 - 佳能中国', '联系我们：获取 L170 报价', '联系我们', ' data-color="#0a6e4f" data-position="left"']
          : ['佳能 L170 传真机报价 - 佳能中国', '佳能 imageCLASS L170 黑白激光传真一体机', 'L170', '']
    res.writeHead(200, {'content-type': 'text/html; charset=utf-8'})
    res.end(
      PAGE.replaceAll('{{TITLE}}', title)
        .replaceAll('{{H1}}', h1)
        .replaceAll('{{CRUMB}}', crumb)
        .replace(
          '{{PROBE}}',
          probe.base
            ? `<script async src="${probe.base}/probe.js" data-site="${TEST_SITE.id}" data-key="${TEST_SITE.key}"${extra}></script>`
            : '',
        ),
    )
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({server, origin: `http://127.0.0.1:${(server.address() as any).port}`})),
  )
}

interface Box {
  x: number
  y: number
  right: number
  bottom: number
  width: number
  height: number
}

/** Boxes of every element of the host page (not the widgets' host), rounded to 0.1 px. */
function hostBoxes(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('body *')]
      .filter((e) => e.tagName !== 'CCX-WIDGETS' && e.tagName !== 'SCRIPT')
      .map((e) => {
        const r = e.getBoundingClientRect()
        return `${e.tagName}.${e.className} ${[r.x, r.y, r.width, r.height].map((v) => Math.round(v * 10) / 10).join(',')}`
      }),
  )
}

/** Computed styles of host elements the widgets' CSS could reach if it leaked. */
function hostStyles(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    ['button', 'h2', 'p', 'a', 'dl', 'body', 'html'].map((sel) => {
      const s = getComputedStyle(document.querySelector(sel)!)
      return `${sel}: ${s.font} ${s.color} ${s.backgroundColor} ${s.margin} ${s.padding} ${s.borderRadius} ${s.outline}`
    }),
  )
}

interface Geometry {
  panel: Box
  close: Box
  /** Every element and every text run inside the panel. */
  parts: Array<Box & {what: string}>
  overflowX: boolean
  viewport: {width: number; height: number}
  docScrollWidth: number
}

/** The geometry of one widget (by type), read inside the shadow root. */
function geometry(page: Page, type: string): Promise<Geometry> {
  return page.evaluate((type) => {
    const box = (r: DOMRect) => ({x: r.left, y: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height})
    const root = document.querySelector('ccx-widgets')!.shadowRoot!
    const panel = root.querySelector(`.ccx-${type}`) as HTMLElement
    const parts: Array<ReturnType<typeof box> & {what: string}> = []
    const walk = (n: Node) => {
      if (n.nodeType === Node.TEXT_NODE && n.textContent!.trim()) {
        const range = document.createRange()
        range.selectNodeContents(n)
        parts.push({what: `text "${n.textContent!.slice(0, 24)}"`, ...box(range.getBoundingClientRect())})
      } else if (n instanceof HTMLElement && !n.hidden) {
        parts.push({what: `<${n.tagName.toLowerCase()} class="${n.className}">`, ...box(n.getBoundingClientRect())})
        n.childNodes.forEach(walk)
      }
    }
    panel.childNodes.forEach(walk)
    return {
      panel: box(panel.getBoundingClientRect()),
      close: box(panel.querySelector('.ccx-close')!.getBoundingClientRect()),
      parts,
      overflowX: panel.scrollWidth > panel.clientWidth,
      viewport: {width: innerWidth, height: innerHeight},
      docScrollWidth: document.documentElement.scrollWidth,
    }
  }, type)
}

/** What a product a site owner puts on their pages must hold, at any width. */
function expectWellLaidOut(g: Geometry): void {
  const {panel, close, viewport} = g
  // inside the viewport, and nothing wider than it
  expect(panel.x).toBeGreaterThanOrEqual(0)
  expect(panel.y).toBeGreaterThanOrEqual(0)
  expect(panel.right).toBeLessThanOrEqual(viewport.width)
  expect(panel.bottom).toBeLessThanOrEqual(viewport.height)
  expect(g.docScrollWidth).toBeLessThanOrEqual(viewport.width)
  // the close button inside the panel's top-right corner
  expect(close.x).toBeGreaterThanOrEqual(panel.x)
  expect(close.right).toBeLessThanOrEqual(panel.right)
  expect(close.y).toBeGreaterThanOrEqual(panel.y)
  expect(panel.right - close.right).toBeLessThanOrEqual(16)
  expect(close.y - panel.y).toBeLessThanOrEqual(16)
  expect(close.x).toBeGreaterThan(panel.x + panel.width / 2)
  // every element and every run of text (links included) inside the panel: text wraps
  const outside = g.parts.filter(
    (p) => p.x < panel.x - 0.5 || p.right > panel.right + 0.5 || p.y < panel.y - 0.5 || p.bottom > panel.bottom + 0.5,
  )
  expect(outside).toEqual([])
  expect(g.overflowX).toBe(false)
}

describe('the probe widgets on a product page, in real headless Chromium', () => {
  const dir = tempDir()
  const shots = process.env.CCX_SCREENSHOT_DIR ?? join(dir.path, 'shots')
  let serve: RunningServe
  let site: {server: Server; origin: string}
  const probe = {base: ''}
  let browser: Browser

  beforeAll(async () => {
    mkdirSync(shots, {recursive: true})
    site = await startSite(probe)
    const configPath = writeServeConfig(
      dir.path,
      {},
      {files: {scenarios: join(ROOT, 'test/fixtures/web/scenarios.json'), directory: join(ROOT, 'fixtures/directory.json')}},
    )
    const config = JSON.parse(readFileSync(configPath, 'utf8'))
    config.sites[0].allowedOrigins = [site.origin]
    config.sites[0].brandColor = BRAND
    // the FAQ bot's KB as an operator ships it to serve (imported, then exported): the chat panel asks it
    const {buildKb} = await import('../../fixtures/generator/kb.js')
    const kbFile = join(dir.path, 'kb.json')
    const db = join(dir.path, 'kb.duckdb')
    writeFileSync(kbFile, JSON.stringify({entries: buildKb()}))
    expect((await ccx(['kb', 'import', kbFile, '--db', db], {cwd: dir.path})).code).toBe(0)
    expect((await ccx(['kb', 'export', join(dir.path, 'kb-current.json'), '--db', db], {cwd: dir.path})).code).toBe(0)
    config.serve.botKb = join(dir.path, 'kb-current.json')
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

  /** A visitor's browser: the events its probe posts are collected as the browser sent them. */
  async function visitor(device: Device, ip: string, visits = 0) {
    const context: BrowserContext = await browser.newContext({...device, extraHTTPHeaders: {'x-forwarded-for': ip}})
    if (visits > 0)
      await context.addInitScript((n) => {
        if (!localStorage.getItem('ccx_vid')) localStorage.setItem('ccx_visits', String(n))
      }, visits)
    const page = await context.newPage()
    const sent: string[] = []
    page.on('request', (r) => {
      if (r.url().endsWith('/collect') && r.method() === 'POST')
        for (const e of JSON.parse(r.postData() ?? '{}').events ?? []) sent.push(e.type)
    })
    return {context, page, sent}
  }

  /** The host page laid out without the probe (its tag left out), to compare with the page showing a widget. */
  async function pageWithoutProbe(device: Device, path: string) {
    const context = await browser.newContext(device)
    const page = await context.newPage()
    const saved = probe.base
    probe.base = ''
    await page.goto(site.origin + path)
    probe.base = saved
    await fontsReady(page)
    const result = {boxes: await hostBoxes(page), styles: await hostStyles(page)}
    await context.close()
    return result
  }

  async function fontsReady(page: Page): Promise<void> {
    await page.evaluate(async () => {
      await Promise.all([document.fonts.load('16px "Noto Sans SC"', '佳能'), document.fonts.load('700 16px "Noto Sans SC"', '佳能')])
      await document.fonts.ready
      // the widgets slide in: measure them where they end up
      const root = document.querySelector('ccx-widgets')?.shadowRoot
      if (root) await Promise.all(root.getAnimations().map((a) => a.finished))
    })
  }

  async function shot(page: Page, name: string): Promise<void> {
    await fontsReady(page)
    await page.screenshot({path: join(shots, `${name}.png`), animations: 'disabled'})
  }

  for (const device of [DESKTOP, PHONE]) {
    it(`card (${device.name}): the Shenzhen station, laid out inside its box, host page untouched both ways`, async () => {
      const before = await pageWithoutProbe(device, '/service/stations')
      const {context, page} = await visitor(device, SHENZHEN_IP)
      await page.goto(`${site.origin}/service/stations`, {referer: BAIDU_GBK})
      const card = page.getByRole('dialog', {name: '深圳市的佳能授权维修站'})
      await card.waitFor({timeout: 15_000})
      await fontsReady(page)

      expectWellLaidOut(await geometry(page, 'card'))
      expect(await hostBoxes(page)).toEqual(before.boxes)
      expect(await hostStyles(page)).toEqual(before.styles)
      // the host's rules (button, h2, [role=dialog]) do not reach in: brand colour, own sizes, own position
      const look = await page.evaluate(() => {
        const p = document.querySelector('ccx-widgets')!.shadowRoot!.querySelector('.ccx-card')!
        const s = (sel: string) => getComputedStyle(p.querySelector(sel)!)
        return {
          border: getComputedStyle(p).borderTopColor,
          position: getComputedStyle(document.querySelector('ccx-widgets')!).position,
          linkBackground: s('a.ccx-btn').backgroundColor,
          linkColor: s('a.ccx-btn').color,
          titleSize: s('.ccx-title').fontSize,
          textIndent: s('.ccx-text').textIndent,
        }
      })
      expect(look).toEqual({
        border: 'rgb(192, 0, 0)',
        position: 'fixed',
        linkBackground: 'rgb(192, 0, 0)',
        linkColor: 'rgb(255, 255, 255)',
        titleSize: '16px',
        textIndent: '0px',
      })
      // accessible: a labelled dialog, a named close button, the link and the station's phone as a call link
      await expect(card.getByRole('button', {name: '关闭'}).count()).resolves.toBe(1)
      const link = card.getByRole('link', {name: '在地图上查看维修站的位置、营业时间与交通路线'})
      expect(await link.getAttribute('href')).toBe('https://www.canon.com.cn/service/stations/shenzhen-1')
      expect(await link.getAttribute('rel')).toBe('noopener noreferrer')
      expect(await card.innerText()).toMatch(/深圳/)
      await shot(page, `probe-card-${device.name}`)

      // Escape with nothing focused on the page closes it
      await page.keyboard.press('Escape')
      await expect.poll(() => card.count()).toBe(0)
      await context.close()
    })
  }

  it('invite (desktop): reached with Tab after the page, names read out, Escape declines and gives focus back', async () => {
    const before = await pageWithoutProbe(DESKTOP, '/fax/l170-price')
    const {context, page, sent} = await visitor(DESKTOP, CHANGSHA_IP, 2)
    await page.goto(`${site.origin}/fax/l170-price`, {referer: GOOGLE_FAX_QUOTE})
    const invite = page.getByRole('dialog', {name: '长沙市经销商在线'})
    await invite.waitFor({timeout: 15_000})
    await fontsReady(page)
    expectWellLaidOut(await geometry(page, 'invite'))
    expect(await hostBoxes(page)).toEqual(before.boxes)
    await expect.poll(() => sent).toContain('invite_shown')
    // announced to screen readers without taking focus from the page
    const announced = await page.evaluate(
      () => document.querySelector('ccx-widgets')!.shadowRoot!.querySelector('[aria-live]')!.textContent,
    )
    expect(announced).toMatch(/^长沙市经销商在线 — 您好！长沙市的佳能授权经销商/)
    expect(await page.evaluate(() => document.activeElement === document.body)).toBe(true)
    await shot(page, 'probe-invite-desktop')

    // keyboard: after the page's last link come the close button, then accept, then decline
    const footerLink = page.locator('footer a').last()
    await footerLink.focus()
    const focused = () =>
      page.evaluate(() => {
        const a = document.activeElement
        const inner = a?.shadowRoot?.activeElement
        return inner ? inner.getAttribute('aria-label') || inner.textContent : a?.textContent
      })
    await page.keyboard.press('Tab')
    expect(await focused()).toBe('关闭')
    await page.keyboard.press('Tab')
    expect(await focused()).toBe('立即获取报价')
    await page.keyboard.press('Tab')
    expect(await focused()).toBe('暂时不用')
    await page.keyboard.press('Escape')
    await expect.poll(() => invite.count()).toBe(0)
    expect(await focused()).toBe('加入我们')
    await expect.poll(() => sent).toContain('invite_declined')
    expect(sent).not.toContain('invite_accepted')
    await context.close()
  })

  it('invite (phone): a bottom sheet; tapping accept asks for a chat', async () => {
    const {context, page, sent} = await visitor(PHONE, CHANGSHA_IP, 2)
    await page.goto(`${site.origin}/fax/l170-price`, {referer: GOOGLE_FAX_QUOTE})
    const invite = page.getByRole('dialog', {name: '长沙市经销商在线'})
    await invite.waitFor({timeout: 15_000})
    await fontsReady(page)
    const g = await geometry(page, 'invite')
    expectWellLaidOut(g)
    // full width, on the bottom edge
    expect([g.panel.x, g.panel.right, g.panel.bottom]).toEqual([0, 390, 844])
    // touch targets of at least 44 px
    expect(g.close.width).toBeGreaterThanOrEqual(44)
    await shot(page, 'probe-invite-phone')
    await invite.getByRole('button', {name: '立即获取报价'}).tap()
    await expect.poll(() => sent).toEqual(expect.arrayContaining(['invite_shown', 'invite_accepted', 'chat_request']))
    expect(await invite.count()).toBe(0)
    await context.close()
  })

  for (const device of [DESKTOP, PHONE]) {
    it(`lead form (${device.name}): the page's own colour and side, a labelled field, errors read out, then thanks`, async () => {
      const {context, page, sent} = await visitor(device, SHENZHEN_IP)
      await page.goto(`${site.origin}/contact`)
      const form = page.getByRole('dialog', {name: '免费获取报价方案'})
      await form.waitFor({timeout: 15_000})
      await fontsReady(page)
      expectWellLaidOut(await geometry(page, 'lead_form'))
      const g = await geometry(page, 'lead_form')
      // data-position="left" and data-color on this page's tag
      if (device === DESKTOP) expect(g.panel.x).toBeLessThan(40)
      const submit = form.getByRole('button', {name: '提交'})
      expect(await submit.evaluate((b) => getComputedStyle(b).backgroundColor)).toBe('rgb(10, 110, 79)')
      const phone = form.getByRole('textbox', {name: '您的电话'})
      expect(await phone.getAttribute('autocomplete')).toBe('tel')
      await shot(page, `probe-lead-${device.name}`)

      await phone.fill('12-34')
      await phone.press('Enter')
      const error = form.getByRole('alert')
      await expect.poll(() => error.textContent()).toBe('请输入有效的电话号码（至少 6 位数字）')
      expect(await phone.getAttribute('aria-invalid')).toBe('true')
      expect(sent).not.toContain('lead')
      await phone.fill('138 1234 5678')
      await submit.click()
      await expect.poll(() => sent).toContain('lead')
      expect(await form.innerText()).toMatch(/已收到，我们会尽快与您联系。/)
      expectWellLaidOut(await geometry(page, 'lead_form'))
      await context.close()
    })
  }
  for (const device of [DESKTOP, PHONE]) {
    it(`chat panel (${device.name}): the FAQ bot on the widget base, laid out inside its box, keyboard and screen reader, host page untouched`, async () => {
      const before = await pageWithoutProbe(device, '/support')
      const {context, page, sent} = await visitor(device, SHENZHEN_IP)
      await page.goto(`${site.origin}/support`)
      const chat = page.getByRole('dialog', {name: '在线问答'})
      await chat.waitFor({timeout: 15_000})
      await fontsReady(page)
      // it opens with the page and leaves focus where it was (the visitor did not ask for it)
      expect(await page.evaluate(() => document.activeElement === document.body)).toBe(true)
      expect(await hostBoxes(page)).toEqual(before.boxes)
      expect(await hostStyles(page)).toEqual(before.styles)

      const question = chat.getByRole('textbox', {name: '您的问题'})
      await question.fill('深圳的佳能维修点在哪里')
      await question.press('Enter')
      const answer = chat.locator('.ccx-chat-bot').first()
      await answer.waitFor({timeout: 15_000})
      await expect.poll(() => answer.locator('.ccx-chat-card').count()).toBeGreaterThan(0)
      await fontsReady(page)
      const g = await geometry(page, 'chat')
      expectWellLaidOut(g)
      expect(await hostBoxes(page)).toEqual(before.boxes)
      if (device === PHONE) {
        // a bottom sheet, full width; touch targets of at least 44 px
        expect([g.panel.x, g.panel.right, g.panel.bottom]).toEqual([0, 390, 844])
        expect(g.close.width).toBeGreaterThanOrEqual(44)
      }
      // the page's brand colour (data-color on its tag) on the send button and the visitor's bubble
      const send = chat.getByRole('button', {name: '发送'})
      expect(await send.evaluate((b) => getComputedStyle(b).backgroundColor)).toBe('rgb(10, 110, 79)')
      // the conversation is a log read out politely; votes are named buttons
      expect(await chat.getByRole('log').getAttribute('aria-live')).toBe('polite')
      await expect(answer.getByRole('button', {name: '有帮助', exact: true}).count()).resolves.toBe(1)
      await shot(page, `probe-chat-${device.name}`)

      await answer.getByRole('button', {name: '有帮助', exact: true}).click()
      await page.evaluate(() => (window as any).ccx.flush())
      await expect.poll(() => sent).toContain('bot_feedback')
      // Escape closes it to a launcher that takes focus; Enter on it opens the panel again with the conversation kept
      await question.focus()
      await page.keyboard.press('Escape')
      await expect.poll(() => chat.count()).toBe(0)
      const launcher = page.getByRole('button', {name: '在线问答'})
      await expect.poll(() => launcher.evaluate((b) => (b.getRootNode() as ShadowRoot).activeElement === b)).toBe(true)
      await page.keyboard.press('Enter')
      await chat.waitFor()
      await expect.poll(() => question.evaluate((i) => (i.getRootNode() as ShadowRoot).activeElement === i)).toBe(true)
      expect(await chat.locator('.ccx-chat-bot').count()).toBe(1)
      await context.close()
    })
  }
})
