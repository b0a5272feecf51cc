import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {fontCharacters, fontSubset, svgWithFont} from '../../src/charts/font.js'
import {renderHtmlReport} from '../../src/charts/html-report.js'
import {chartFontFile, chartToSvg} from '../../src/charts/render.js'
import {embeddedCharacters, missingGlyphs, shownCharacters, woff2Characters} from '../helpers/fonts.js'

// The HTML report and its SVG charts carry the bundled font cut to the characters they use (issue 19: Chinese showed
// as boxes in tables and SVG charts on a machine without a CJK font). These tests fail when a character shown is
// missing from the embedded subset.

const CHART = {
  title: '关键词线索转化率（百度）',
  data: {
    values: [
      {k: '佳能维修站', v: 0.12},
      {k: '打印机价格', v: 0.03},
      {k: '传真机报价', v: 0.09},
    ],
  },
  mark: 'bar',
  encoding: {
    y: {field: 'k', type: 'nominal', title: '关键词'},
    x: {field: 'v', type: 'quantitative', title: '线索率', axis: {format: '%'}},
  },
}

describe('the font embedded in the HTML report', () => {
  it('holds every character the page shows: tiles, headings, tables and the inline SVG charts', async () => {
    const built = await renderHtmlReport(
      [
        {
          source: 'marketing/keywords',
          sections: [
            {
              title: '关键词与行业基准',
              description: '线索率与 95% 区间；基准来源：中国办公设备行业协会 2025 年调查（示例）',
              charts: [CHART],
              tables: [{title: '关键词', rows: [{关键词: '佳能维修站', 引擎: '百度', 访客: 1234, 线索率: 0.1147, 旗标: '低于基准'}]}],
            },
          ],
        },
      ],
      {
        title: '营销与服务日报',
        site: '佳能中国',
        rangeText: '2026-11-01 – 2026-11-07',
        kpis: {
          previousText: '2026-10-25 – 2026-10-31',
          tiles: [{label: '访客', kind: 'count', value: 5718, previous: 4798, change: 0.19, changeKind: 'relative', higherIsBetter: true}],
        },
      },
    )
    const shown = shownCharacters(built.html)
    expect(shown).toEqual(expect.arrayContaining([...'佳能维修站营销与服务日报关键词线索转化率百度访客▲']))
    expect(await missingGlyphs(built.html)).toEqual([])
    // a cut, not the 10 MB font
    expect(built.html.length).toBeLessThan(600_000)
  })

  it('an SVG chart file carries the subset of its own text', async () => {
    const svg = await svgWithFont(await chartToSvg(CHART))
    const shown = [...new Set([...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]).join(''))].filter(
      (c) => c.codePointAt(0)! > 0x7e,
    )
    expect(shown.length).toBeGreaterThan(10)
    const embedded = (await embeddedCharacters(svg))!
    expect(shown.filter((c) => !embedded.has(c.codePointAt(0)!))).toEqual([])
  })

  it('leaves out what the font does not have, so the check above can fail', async () => {
    const full = fontCharacters(readFileSync(chartFontFile()))
    expect(full.has('佳'.codePointAt(0)!)).toBe(true)
    const cut = await woff2Characters(await fontSubset('佳'))
    expect(cut.has('佳'.codePointAt(0)!)).toBe(true)
    expect(cut.has('能'.codePointAt(0)!)).toBe(false)
  })
})
