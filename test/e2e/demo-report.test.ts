import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ccx, tempDir} from '../helpers/cli.js'
import {Store} from '../../src/store/store.js'
import {defaultConfig} from '../../src/config/load.js'
import {buildReportSections} from '../../src/reports/html.js'
import {everyDay, MAX_SERIES} from '../../src/charts/series.js'

// The demo as a new user runs it (`ccx demo`, its defaults), then what they look at: the keyword report flags
// keywords against benchmarks that name their source, and every chart of the HTML report follows the chart rules.

type Json = Record<string, any>

/** Every view of a spec (layers, facet specs, concats) with the data values it draws from. */
function views(spec: Json, inherited: Json[] = [], path = 'spec'): Array<{view: Json; values: Json[]; path: string}> {
  const values: Json[] = spec.data?.values ?? inherited
  const out = [{view: spec, values, path}]
  for (const key of ['layer', 'hconcat', 'vconcat', 'concat'])
    (spec[key] ?? []).forEach((child: Json, i: number) => out.push(...views(child, values, `${path}.${key}[${i}]`)))
  if (spec.spec) out.push(...views(spec.spec, values, `${path}.spec`))
  return out
}

describe('the demo (ccx demo, defaults): keyword flags with named sources, charts that read right', () => {
  const dir = tempDir('ccx-demo-report-')
  const out = join(dir.path, 'demo')
  const db = join(out, 'ccx.duckdb')
  let keywords: Json

  beforeAll(async () => {
    const r = await ccx(['demo', '--out', out, '--reports', join(dir.path, 'reports'), '--json'], {timeoutMs: 600_000})
    expect(r.code, r.stderr).toBe(0)
    const k = await ccx(['report', 'keywords', '--db', db, '--json'])
    expect(k.code, k.stderr).toBe(0)
    keywords = k.json()
  }, 600_000)
  afterAll(() => dir.cleanup())

  it('flags at least one keyword above or below its benchmark, and every reference names its source', () => {
    const flagged = keywords.rows.filter((r: Json) => r.flag === 'below' || r.flag === 'above')
    expect(flagged.length).toBeGreaterThanOrEqual(1)
    for (const r of flagged) {
      // a flag is a test that passed: q within the FDR, the rate on the side the flag says
      expect(r.q_value).toBeLessThanOrEqual(keywords.fdr)
      expect(r.flag === 'below' ? r.rate < r.reference_rate : r.rate > r.reference_rate).toBe(true)
    }
    const referenced = keywords.rows.filter((r: Json) => r.reference_rate !== null)
    expect(referenced.length).toBeGreaterThan(0)
    for (const r of referenced) {
      expect(typeof r.reference_source).toBe('string')
      expect(r.reference_source.length).toBeGreaterThan(0)
      // a benchmark figure carries its entry's source, and says when it is an example
      if (r.reference === 'benchmark') {
        expect(r.reference_source).toContain(r.benchmark_source)
        if (r.benchmark_example) expect(r.reference_source).toContain('(example, not a published statistic)')
      }
    }
  })

  it('names the sources in the chart (--chart) and in the HTML report', async () => {
    const chartFile = join(dir.path, 'keywords.vl.json')
    const c = await ccx(['report', 'keywords', '--db', db, '--chart', chartFile, '--json'])
    expect(c.code, c.stderr).toBe(0)
    const spec = JSON.parse(readFileSync(chartFile, 'utf8'))
    const subtitle = [spec.title.subtitle].flat().join('\n')
    const shownSources = new Set(spec.data.values.map((v: Json) => v.source).filter(Boolean))
    expect(shownSources.size).toBeGreaterThan(0)
    // each benchmark source of the rows drawn is named under the title (or counted as "more sources" past three)
    const named = [...shownSources].filter((s) => subtitle.includes(`reference: ${s}`))
    expect(named.length).toBe(Math.min(3, [...shownSources].filter((s) => !String(s).startsWith('other ')).length))

    const e = await ccx(['export', 'report', '--db', db, '--site', 'canon', '--out', join(dir.path, 'page.html'), '--json'])
    expect(e.code, e.stderr).toBe(0)
    const html = readFileSync(join(dir.path, 'page.html'), 'utf8')
    const section = html.slice(html.indexOf('<h2>Keywords against industry benchmarks</h2>'))
    const table = section.slice(section.indexOf('<table>'), section.indexOf('</section>'))
    // every row of the table points at a numbered source, and each number is explained under the table
    const refs = [...table.matchAll(/<td class="s">\[(\d+)\]<\/td>/g)].map((m) => Number(m[1]))
    expect(refs.length).toBeGreaterThan(0)
    for (const n of new Set(refs)) expect(table).toMatch(new RegExp(`<dd>\\[${n}\\] [^<]+</dd>`))
    // the chart in the page names its sources too (SVG text)
    expect(section.slice(0, section.indexOf('</figure>'))).toContain('reference: ccx example figure')
  })

  it('every chart of the HTML report follows the chart rules', async () => {
    const store = await Store.open(db, {readOnly: true})
    try {
      const parts = await buildReportSections({store, config: defaultConfig(), range: {from: null, to: null}, log: () => {}})
      const charts = parts.flatMap((p) =>
        (p.sections ?? []).flatMap((s) => s.charts.map((spec, i) => ({name: `${s.title} #${i + 1}`, spec: spec as Json}))),
      )
      expect(charts.length).toBeGreaterThanOrEqual(12)
      const colourOf = new Map<string, {colour: string; chart: string}>()
      const checked = {colourScales: 0, referenceLines: 0, dateAxes: 0}
      for (const {name, spec} of charts) {
        for (const {view, values, path} of views(spec)) {
          const where = `${name} ${path}`
          const enc: Json = view.encoding ?? {}
          const colour = enc.color
          if (colour?.field && colour.type !== 'quantitative') {
            // ≤ 8 series and "other"
            const series = new Set(values.map((v) => v[colour.field]))
            expect(series.size, where).toBeLessThanOrEqual(MAX_SERIES + 1)
            // an explicit scale: one colour per value, the same colour for the same value in every chart
            expect(colour.scale?.domain, `${where}: colour scale`).toBeDefined()
            checked.colourScales++
            const {domain, range} = colour.scale
            expect(range.length, where).toBe(domain.length)
            expect(new Set(range).size, `${where}: two values share a colour`).toBe(range.length)
            for (const v of series) expect(domain, `${where}: ${v} not in the scale`).toContain(v)
            domain.forEach((v: string, i: number) => {
              const seen = colourOf.get(v)
              if (seen) expect(range[i], `${v} is ${seen.colour} in ${seen.chart} but ${range[i]} in ${where}`).toBe(seen.colour)
              else colourOf.set(v, {colour: range[i], chart: where})
            })
          }
          // reference lines (a rule at a value, not an interval) come with their label
          const layers: Json[] = view.layer ?? []
          const isReference = (l: Json) => (l.mark === 'rule' || l.mark?.type === 'rule') && !l.encoding?.x2 && !l.encoding?.y2
          if (layers.some(isReference)) checked.referenceLines++
          if (layers.some(isReference))
            expect(
              layers.some((l) => l.mark === 'text' || l.mark?.type === 'text'),
              `${where}: unlabelled reference line`,
            ).toBe(true)
          for (const [channel, e] of Object.entries(enc) as Array<[string, Json]>) {
            // linear axes: a log scale only with an axis title that says so
            if (['log', 'symlog'].includes(e?.scale?.type)) expect(String(e.title ?? ''), `${where} ${channel}`).toMatch(/log/i)
            // a date axis is complete: every day from the first to the last has its point
            if (e?.type === 'temporal' && e.field && values.length) {
              checked.dateAxes++
              const days = [...new Set(values.map((v) => String(v[e.field]).slice(0, 10)))].sort()
              expect(days, `${where}: days missing`).toEqual(everyDay(days))
            }
          }
        }
      }
      // the rules ran on the charts that have what they check (not vacuously)
      expect(checked.colourScales).toBeGreaterThanOrEqual(10)
      expect(checked.referenceLines).toBeGreaterThanOrEqual(1)
      expect(checked.dateAxes).toBeGreaterThanOrEqual(3)
      // the funnel's measures have one colour wherever they appear (overview by day, funnel stages)
      expect(colourOf.get('Visitors')?.colour).toBe(colourOf.get('1. traffic')?.colour)
      expect(colourOf.get('Leads')?.colour).toBe(colourOf.get('3. leads')?.colour)
    } finally {
      await store.close()
    }
  })
})
