import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {chartFormatOf, svgToPng, textWidthEm, writeChart} from '../../src/charts/render.js'
import {buildHtmlReport, discoverSections, tableHtml} from '../../src/charts/html-report.js'
import {defaultConfig} from '../../src/config/load.js'
import {Store} from '../../src/store/store.js'
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
    const store = await Store.open(':memory:')
    const sections = [
      {
        name: 'a',
        build: async () => [{title: '渠道', description: 'd', charts: [SPEC], tables: [{title: 't', rows: [{k: '<b>', n: 1.23456}]}]}],
      },
      {
        name: 'b',
        build: async () => {
          throw new Error('no table xyz')
        },
      },
    ]
    const built = await buildHtmlReport(
      store,
      {from: '2026-11-01', to: '2026-11-07'},
      {sections, generatedAt: new Date('2026-11-08T00:00:00Z'), chartFormat: 'svg', config: defaultConfig()},
    )
    const png = await buildHtmlReport(store, {}, {sections: sections.slice(0, 1), config: defaultConfig()})
    await store.close()
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

  it('discovers the section modules, marketing among them', async () => {
    const names = (await discoverSections()).map((s) => s.name)
    expect(names).toContain('marketing')
  })

  it('renders tables with numbers right-aligned and cut to 4 decimals', () => {
    expect(tableHtml('t', [{a: 'x', b: 1 / 3}])).toContain('<td class="n">0.3333</td>')
    expect(tableHtml('t', [])).toContain('(no rows)')
  })
})
