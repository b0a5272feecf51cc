import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ccx, tempDir} from '../helpers/cli.js'
import {buildFunnelFixture} from '../helpers/report-fixture.js'
import {Store} from '../../src/store/store.js'
import {missingGlyphs} from '../helpers/fonts.js'
import {launchChromium} from '../helpers/browser.js'

describe('ccx export report (e2e, headless Chromium)', () => {
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
    // every character shown is in the embedded font subset: Chinese reads without a CJK font installed
    expect(await missingGlyphs(html)).toEqual([])
    expect(html).toContain('<title>ccx report · all sites · 2026-11-01 – 2026-11-07</title>')
    expect(html).toMatch(/class="tiles"[\s\S]*Visitors[\s\S]*Leads/)

    const browser = await launchChromium()
    try {
      const page = await browser.newPage({viewport: {width: 1200, height: 900}})
      const requests: string[] = []
      page.on('request', (req) => {
        if (!req.url().startsWith('file://')) requests.push(req.url())
      })
      await page.goto(`file://${path}`)
      // charts are inline SVGs whose text uses the embedded font subset: laid out with a real size
      const charts = await page.$$eval('figure.chart', (figs) =>
        figs.map((f) => {
          const svg = f.querySelector('svg')!
          const box = svg.getBoundingClientRect()
          return {w: box.width, h: box.height, alt: f.getAttribute('aria-label'), texts: svg.querySelectorAll('text').length}
        }),
      )
      expect(charts.length).toBeGreaterThanOrEqual(3)
      for (const c of charts) {
        expect(c.w).toBeGreaterThan(100)
        expect(c.h).toBeGreaterThan(50)
        expect(c.texts).toBeGreaterThan(3)
      }
      expect(charts.map((c) => c.alt)).toContain('Funnel (visitors, ordered)')
      // the page's font is the embedded one (no CJK font on this machine), and it has loaded
      expect(await page.evaluate(() => document.fonts.check('16px "Noto Sans SC"', '访客佳能'))).toBe(true)
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
