import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {chartFormatOf, svgToPng, textWidthEm, writeChart} from '../../src/charts/render.js'
import {renderHtmlReport, tableHtml} from '../../src/charts/html-report.js'
import {tempDir} from '../helpers/cli.js'

const SPEC = {
  title: '关键词转化',
  data: {
    values: [
      {k: '佳能维修站', n: 12},
      {k: '打印机维修', n: 7},
    ],
  },
  mark: 'bar',
  encoding: {y: {field: 'k', type: 'nominal', title: '关键词'}, x: {field: 'n', type: 'quantitative', title: '访客'}},
}

describe('chart rendering', () => {
  const dir = tempDir('ccx-charts-')
  afterAll(() => dir.cleanup())

  it('writes the spec, an SVG and a PNG by extension', async () => {
    await writeChart(SPEC, join(dir.path, 'c.vl.json'))
    await writeChart(SPEC, join(dir.path, 'c.svg'))
    await writeChart(SPEC, join(dir.path, 'c.png'))
    const spec = JSON.parse(readFileSync(join(dir.path, 'c.vl.json'), 'utf8'))
    expect(spec.config.font).toContain('Noto Sans SC')
    expect(readFileSync(join(dir.path, 'c.svg'), 'utf8')).toContain('佳能维修站')
    const png = readFileSync(join(dir.path, 'c.png'))
    expect(png.subarray(1, 4).toString()).toBe('PNG')
    expect(() => chartFormatOf('x.gif')).toThrow(/\.svg, \.png or \.vl\.json/)
  })

  it('draws Chinese glyphs in PNGs with the bundled font (no system fonts)', async () => {
    // a text-only SVG: without a CJK font resvg draws nothing and every pixel stays white
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><text x="5" y="28" font-size="24" font-family="Noto Sans SC">佳能维修站</text></svg>`
    const {Resvg} = await import('@resvg/resvg-js')
    const png = await svgToPng(svg, 1)
    const inkWithout = countInk(new Resvg(svg, {font: {fontFiles: [], loadSystemFonts: false}, background: 'white'}).render().pixels)
    const {chartFontFile} = await import('../../src/charts/render.js')
    const inkWith = countInk(
      new Resvg(svg, {
        font: {fontFiles: [chartFontFile()], loadSystemFonts: false, defaultFontFamily: 'Noto Sans SC'},
        background: 'white',
      }).render().pixels,
    )
    expect(inkWithout).toBe(0)
    expect(inkWith).toBeGreaterThan(300)
    expect(png.length).toBeGreaterThan(500)
  })

  it('measures Chinese text at one em per character', () => {
    expect(textWidthEm('佳能维修站')).toBe(5)
    expect(textWidthEm('ab')).toBeCloseTo(1.12, 10)
  })
})

function countInk(rgba: Buffer): number {
  let n = 0
  for (let i = 0; i < rgba.length; i += 4) if (rgba[i] < 128) n++
  return n
}

describe('HTML report', () => {
  it('inlines every section chart as SVG and reports a failing section in place', async () => {
    const parts = [
      {source: 'a', sections: [{title: '渠道', description: 'd', charts: [SPEC], tables: [{title: 't', rows: [{k: '<b>', n: 1.23456}]}]}]},
      {source: 'b', error: 'no table xyz'},
    ]
    const built = await renderHtmlReport(parts, {
      generatedAt: new Date('2026-11-08T00:00:00Z'),
      chartFormat: 'svg',
      rangeText: '2026-11-01 – 2026-11-07',
    })
    const png = await renderHtmlReport(parts.slice(0, 1), {chartFormat: 'png'})
    expect(png.html).toMatch(/<img alt="关键词转化" width="\d+" height="\d+" src="data:image\/png;base64,/)
    expect(built.sections).toEqual([
      {source: 'a', title: '渠道', charts: 1, tables: 1},
      {source: 'b', title: 'b', charts: 0, tables: 0, error: 'no table xyz'},
    ])
    expect(built.html).toContain('<svg')
    expect(built.html).toContain('佳能维修站')
    expect(built.html).toContain('&lt;b&gt;')
    expect(built.html).toContain('This section could not be built: no table xyz')
    expect(built.html).not.toMatch(/<script/i)
    expect(built.html).toContain('2026-11-01 – 2026-11-07')
  })

  it('formats table cells for people: shares as %, seconds as durations, thousands separated, p-values', () => {
    const html = tableHtml('t', [
      {
        keyword: '佳能维修站',
        visitors: 12345,
        lead_rate: 0.1147,
        'resolved %': 87.25,
        median_wait_s: 93204.5,
        aht_s: 93,
        p_value: 0.00002,
        ratio: 1 / 3,
      },
      {keyword: 'x', visitors: 7, lead_rate: 0, 'resolved %': null, median_wait_s: 45, aht_s: 4.25, p_value: 0.4567, ratio: 1234.5},
    ])
    const cells = [...html.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1])
    expect(cells).toEqual([
      '佳能维修站',
      '12,345',
      '11.5%',
      '87.3%',
      '25 h 53 min',
      '1 min 33 s',
      '&lt; 0.001',
      '0.33',
      'x',
      '7',
      '0.0%',
      '',
      '45 s',
      '4.3 s',
      '0.457',
      '1,235',
    ])
    // numbers right-aligned, column names readable
    expect(html).toContain('<th scope="col" class="n">lead rate</th>')
    expect(tableHtml('t', [])).toContain('(no rows)')
  })

  it('a column of counts and ratios (one figure per row) shows counts without decimals', () => {
    const rows = [{value: 62}, {value: 3.0912}, {value: 1033029}, {value: 0.28}, {value: 250.39}]
    const html = tableHtml('t', rows, 50, {value: 'mixed'})
    const cells = [...html.matchAll(/<td class="n">([^<]*)<\/td>/g)].map((m) => m[1])
    expect(cells).toEqual(['62', '3.09', '1,033,029', '0.28', '250'])
  })

  it('says what the columns people ask about mean, under the table', () => {
    const html = tableHtml('t', [{keyword: 'a', lost: 1.5}], 50, {}, ['benchmarks: ccx example figures'])
    expect(html).toMatch(/<dt>lost<\/dt><dd>conversions the row would have had at the reference rate/)
    expect(html).toContain('<dd>benchmarks: ccx example figures</dd>')
  })
})

describe('the sources chart', () => {
  it('compiles without Vega-Lite warnings and ranks the bars by share', async () => {
    const {sourcesChart} = await import('../../src/reports/marketing/sources.js')
    const vl = await import('vega-lite')
    const warnings: string[] = []
    const logger = {
      level: () => logger,
      info: () => logger,
      debug: () => logger,
      error: (...m: unknown[]) => (warnings.push(m.join(' ')), logger),
      warn: (...m: unknown[]) => (warnings.push(m.join(' ')), logger),
    }
    const result = {
      mediums: [
        {medium: 'direct', sessions: 30},
        {medium: 'search', sessions: 60},
        {medium: 'social', sessions: 10},
      ],
      engines: [
        {engine: 'baidu', sessions: 40},
        {engine: 'sogou', sessions: 20},
      ],
    }
    const spec = sourcesChart(result as never) as {vconcat: Array<{encoding: {y: {sort: unknown}}}>}
    vl.compile(spec as never, {logger: logger as never})
    expect(warnings).toEqual([])
    expect(spec.vconcat[0]!.encoding.y.sort).toEqual({field: 'share', op: 'max', order: 'descending'})
  })
})
