import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ccx, tempDir} from '../helpers/cli.js'
import {buildFunnelFixture} from '../helpers/report-fixture.js'
import {Store} from '../../src/store/store.js'

const CHROMIUM = '/usr/bin/chromium'

describe.skipIf(!existsSync(CHROMIUM))('ccx export report (e2e, headless Chromium)', () => {
  const dir = tempDir('ccx-export-e2e-')
  const db = join(dir.path, 'ccx.duckdb')
  beforeAll(async () => {
    const store = await Store.open(db)
    await buildFunnelFixture(store)
    await store.close()
  })
  afterAll(() => dir.cleanup())

  it('writes one self-contained HTML file whose charts render offline', async () => {
    const r = await ccx([
      'export',
      'report',
      '--db',
      db,
      '--out',
      join(dir.path, 'reports'),
      '--from',
      '2026-11-01',
      '--to',
      '2026-11-07',
      '--json',
    ])
    expect(r.code, r.stderr).toBe(0)
    const {path, sections} = r.json()
    expect(path).toBe(join(dir.path, 'reports', 'report-2026-11-01_2026-11-07.html'))
    const funnel = sections.find((s: any) => s.title.startsWith('Funnel'))
    expect(funnel).toMatchObject({charts: 2, tables: 2})
    const html = readFileSync(path, 'utf8')
    expect(html).not.toMatch(/<script|<link[^>]+href=|src="http/i)

    const {chromium} = await import('playwright-core')
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    })
    try {
      const page = await browser.newPage({viewport: {width: 1200, height: 900}})
      const requests: string[] = []
      page.on('request', (req) => {
        if (!req.url().startsWith('file://')) requests.push(req.url())
      })
      await page.goto(`file://${path}`)
      // charts are PNGs drawn with the bundled CJK font: decoded by the browser, with a real size
      const charts = await page.$$eval('figure.chart img', (imgs) =>
        imgs.map((i) => {
          const img = i as HTMLImageElement
          const box = img.getBoundingClientRect()
          return {complete: img.complete, natural: img.naturalWidth, w: box.width, h: box.height, alt: img.alt}
        }),
      )
      expect(charts.length).toBeGreaterThanOrEqual(3)
      for (const c of charts) {
        expect(c.complete).toBe(true)
        expect(c.natural).toBeGreaterThan(200)
        expect(c.w).toBeGreaterThan(100)
        expect(c.h).toBeGreaterThan(50)
      }
      expect(charts.map((c) => c.alt)).toContain('Funnel (visitors, ordered)')
      expect(await page.textContent('body')).toContain('traffic')
      const shot = join(process.env.CCX_SCREENSHOT_DIR ?? dir.path, 'e2e-export-report.png')
      await page.screenshot({path: shot, fullPage: true})
      expect(readFileSync(shot).length).toBeGreaterThan(10_000)
      expect(requests).toEqual([])
    } finally {
      await browser.close()
    }
  })
})
