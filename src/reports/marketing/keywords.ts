import type {Store} from '../../store/store.js'
import {sqlString} from '../../store/values.js'
import {percent} from '../../format/numbers.js'
import {label} from '../../format/labels.js'
import {colorScale} from '../../charts/series.js'
import {defineReport, rangeOptions, type Row} from '../contract.js'
import {type BenchmarkEntry, benchmarkLabel, benchmarksPath, findBenchmark, loadBenchmarks, type RateMetric} from './benchmarks.js'
import {sqlRange, type DateRange} from '../range.js'
import {funnelReport, parseStages, type FunnelOptions, type FunnelResult} from './funnel.js'
import {benjaminiHochberg} from '../../stats/adjust.js'
import {binomialTest, twoProportionZTest, wilsonInterval} from '../../stats/proportions.js'

export interface KeywordOptions extends DateRange {
  site?: string
  windowS?: number
  metric?: RateMetric
  benchmarks?: BenchmarkEntry[]
  /** Which reference flags a keyword: the benchmarks file, the pooled industry, or auto (file when it has a figure). */
  against?: 'auto' | 'benchmark' | 'industry'
  /** Industry for sites whose `sites.industry` is empty. */
  industry?: string
  minVisitors?: number
  /** False discovery rate for Benjamini–Hochberg. */
  fdr?: number
  limit?: number
  source?: 'auto' | 'live' | 'mart'
}

export interface KeywordRow {
  site: string
  industry: string | null
  engine: string
  keyword: string
  visitors: number
  inquiries: number
  leads: number
  orders: number
  inquiry_rate: number
  lead_rate: number
  order_rate: number
  /** The tested metric's rate and its 95% Wilson interval. */
  rate: number
  ci_low: number
  ci_high: number
  industry_visitors: number | null
  industry_rate: number | null
  industry_p: number | null
  benchmark_rate: number | null
  benchmark_source: string | null
  /** True when the benchmark figure is an example, not a published statistic (the file's `example`). */
  benchmark_example: boolean | null
  benchmark_p: number | null
  reference: 'benchmark' | 'industry' | null
  reference_rate: number | null
  /** Where the reference figure comes from: the benchmark's source ("(example)" when it is one) or the peer pool. */
  reference_source: string | null
  p_value: number | null
  q_value: number | null
  flag: 'below' | 'above' | 'within noise' | 'too few visitors' | 'no reference'
  /** Fewest visitors the keyword needs for the test against its reference at that rate (null when tested or none). */
  needs_visitors: number | null
  /** The flag for people: "too few visitors" says how many are needed ("needs ≥ 56 visitors at 9.0%"). */
  flag_label: string
  /** Conversions lost against the reference: max(0, reference_rate × visitors − conversions). */
  lost: number
  landing_page: string | null
  advice: string | null
}

export interface KeywordResult {
  metric: RateMetric
  from: string
  to: string
  window_s: number
  min_visitors: number
  fdr: number
  rows: KeywordRow[]
}

const COUNT_OF: Record<RateMetric, 'inquiries' | 'leads' | 'orders'> = {inquiry_rate: 'inquiries', lead_rate: 'leads', order_rate: 'orders'}

/** Per keyword × engine conversion with Wilson intervals, compared with the industry and a benchmarks file. */
export async function keywordReport(store: Store, options: KeywordOptions = {}): Promise<KeywordResult> {
  const industries = new Map((await store.all<{site: string; industry: string | null}>('select site, industry from sites')).map((r) => [r.site, r.industry]))
  return keywordsFromFunnel((o) => funnelReport(store, o), industries, options, (rows) => landingPages(store, options, rows))
}

/**
 * The keyword rows and their tests from a funnel by site × engine × keyword: shared by the DuckDB and warehouse paths,
 * which give the funnel, the sites' industries and the landing pages of flagged keywords.
 */
export async function keywordsFromFunnel(
  runFunnel: (options: FunnelOptions) => Promise<FunnelResult>,
  industries: Map<string, string | null>,
  options: KeywordOptions,
  landingOf: (rows: Array<{site: string; keyword: string}>) => Promise<Map<string, string>>,
): Promise<KeywordResult> {
  const metric = options.metric ?? 'lead_rate'
  const minVisitors = options.minVisitors ?? 30
  const fdr = options.fdr ?? 0.05
  const funnel = await runFunnel({
    from: options.from,
    to: options.to,
    windowS: options.windowS,
    stages: parseStages('traffic,inquiries,leads,orders'),
    order: 'independent',
    breakdown: ['site', 'engine', 'keyword'],
    where: 's.term is not null',
    limit: Number.MAX_SAFE_INTEGER,
    source: options.source,
    medians: false,
  })
  const base = funnel.groups.map((g) => {
    const [visitors, inquiries, leads, orders] = g.stages.map((s) => s.count)
    const site = g.key.site
    return {site, industry: industries.get(site) ?? options.industry ?? null, engine: g.key.engine, keyword: g.key.keyword, visitors, inquiries, leads, orders}
  })
  // pooled industry figures per (industry, keyword), to subtract the site's own share later
  const pooled = new Map<string, {visitors: number; count: number}>()
  const perSite = new Map<string, {visitors: number; count: number}>()
  for (const r of base) {
    if (!r.industry) continue
    const count = r[COUNT_OF[metric]]
    for (const [map, key] of [[pooled, `${r.industry}\u0001${r.keyword}`], [perSite, `${r.industry}\u0001${r.keyword}\u0001${r.site}`]] as const) {
      const acc = map.get(key) ?? {visitors: 0, count: 0}
      acc.visitors += r.visitors
      acc.count += count
      map.set(key, acc)
    }
  }
  const shown = base.filter((r) => !options.site || r.site === options.site)
  const rows: KeywordRow[] = shown.map((r) => {
    const count = r[COUNT_OF[metric]]
    const rate = r.visitors > 0 ? count / r.visitors : 0
    const ci = wilsonInterval(count, r.visitors) ?? {low: 0, high: 0}
    let industryVisitors: number | null = null
    let industryCount = 0
    if (r.industry) {
      const all = pooled.get(`${r.industry}\u0001${r.keyword}`)!
      const own = perSite.get(`${r.industry}\u0001${r.keyword}\u0001${r.site}`)!
      if (all.visitors - own.visitors > 0) {
        industryVisitors = all.visitors - own.visitors
        industryCount = all.count - own.count
      }
    }
    const industryRate = industryVisitors ? industryCount / industryVisitors : null
    let industryP: number | null = null
    if (industryVisitors && r.visitors >= minVisitors && industryVisitors >= minVisitors) {
      const p = (count + industryCount) / (r.visitors + industryVisitors)
      const enough = Math.min(r.visitors, industryVisitors) * Math.min(p, 1 - p) >= 5
      if (enough) industryP = twoProportionZTest(count, r.visitors, industryCount, industryVisitors)?.p ?? null
    }
    // the same rule solved for n at the peers' rate: n ≥ min visitors and n·min(p, 1−p) ≥ 5
    const industryNeeds = industryRate === null ? null : needsVisitors(minVisitors, Math.min(industryRate, 1 - industryRate))
    const bench = options.benchmarks ? findBenchmark(options.benchmarks, r.industry, r.engine, r.keyword, metric) : null
    let benchmarkP: number | null = null
    if (bench && r.visitors >= minVisitors && r.visitors * bench.rate >= 5) benchmarkP = binomialTest(count, r.visitors, bench.rate)
    const benchNeeds = bench ? needsVisitors(minVisitors, bench.rate) : null
    const against = options.against ?? 'auto'
    const reference: KeywordRow['reference'] =
      against === 'benchmark' ? (bench ? 'benchmark' : null) : against === 'industry' ? (industryRate !== null ? 'industry' : null) : bench ? 'benchmark' : industryRate !== null ? 'industry' : null
    const referenceRate = reference === 'benchmark' ? bench!.rate : reference === 'industry' ? industryRate : null
    const referenceSource =
      reference === 'benchmark'
        ? benchmarkLabel(bench!)
        : reference === 'industry'
          ? `other ${r.industry} sites in the database: ${industryCount} of ${industryVisitors} visitors`
          : null
    const p = reference === 'benchmark' ? benchmarkP : reference === 'industry' ? industryP : null
    const needs = p !== null ? null : reference === 'benchmark' ? benchNeeds : reference === 'industry' ? industryNeeds : null
    const peersShort =
      reference === 'industry' && (industryVisitors! < minVisitors || industryVisitors! * Math.min(industryRate!, 1 - industryRate!) < 5)
    const tooFew = peersShort
      ? `the other ${r.industry} sites have too few visitors (${industryVisitors})`
      : needs === null
        ? `no test: the reference rate is ${percent(referenceRate ?? 0)}`
        : `needs ≥ ${needs} visitors at ${percent(referenceRate!)}`
    return {
      ...r,
      inquiry_rate: r.visitors ? r.inquiries / r.visitors : 0,
      lead_rate: r.visitors ? r.leads / r.visitors : 0,
      order_rate: r.visitors ? r.orders / r.visitors : 0,
      rate,
      ci_low: ci.low,
      ci_high: ci.high,
      industry_visitors: industryVisitors,
      industry_rate: industryRate,
      industry_p: industryP,
      benchmark_rate: bench?.rate ?? null,
      benchmark_source: bench?.source ?? null,
      benchmark_example: bench ? Boolean(bench.example) : null,
      benchmark_p: benchmarkP,
      reference,
      reference_rate: referenceRate,
      reference_source: referenceSource,
      p_value: p,
      q_value: null,
      flag: 'no reference',
      needs_visitors: peersShort ? null : needs,
      flag_label: tooFew,
      lost: referenceRate === null ? 0 : Math.max(0, referenceRate * r.visitors - count),
      landing_page: null,
      advice: null,
    }
  })
  const q = benjaminiHochberg(rows.map((r) => r.p_value))
  rows.forEach((r, i) => {
    r.q_value = q[i]
    if (r.reference === null) r.flag = 'no reference'
    else if (r.p_value === null) r.flag = 'too few visitors'
    else if (r.q_value !== null && r.q_value <= fdr) r.flag = r.rate < r.reference_rate! ? 'below' : 'above'
    else r.flag = 'within noise'
    if (r.flag !== 'too few visitors') r.flag_label = r.flag
  })
  const landing = await landingOf(rows.filter((r) => r.flag === 'below' || r.flag === 'above'))
  const pct = (x: number) => percent(x)
  const who = (r: KeywordRow) => (r.reference === 'benchmark' ? 'the benchmark' : 'the industry')
  rows.forEach((r) => {
    r.landing_page = landing.get(`${r.site}\u0001${r.keyword}`) ?? null
    if (r.flag === 'below') {
      r.advice = `"${r.keyword}" converts at ${pct(r.rate)} where ${who(r)} converts at ${pct(r.reference_rate!)}: check its landing page${r.landing_page ? ' ' + r.landing_page : ''}`
    } else if (r.flag === 'above') {
      r.advice = `"${r.keyword}" converts at ${pct(r.rate)}, above ${who(r)}'s ${pct(r.reference_rate!)}: consider more budget for it`
    }
  })
  const key = (r: KeywordRow) => `${r.keyword}\u0001${r.engine}\u0001${r.site}`
  rows.sort((a, b) => b.lost - a.lost || b.visitors - a.visitors || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
  return {metric, from: funnel.from, to: funnel.to, window_s: funnel.window_s, min_visitors: minVisitors, fdr, rows: rows.slice(0, options.limit ?? rows.length)}
}

/**
 * Fewest visitors for a test at reference rate `rate`: n ≥ min visitors and n·rate ≥ 5 (docs/metrics.md);
 * null when the rate is 0 (no number of visitors makes 5 expected conversions).
 */
export function needsVisitors(minVisitors: number, rate: number): number | null {
  if (!(rate > 0)) return null
  // the epsilon keeps 5 / 0.05 at 100, not 100.00000000000001 → 101
  return Math.max(minVisitors, Math.ceil(5 / rate - 1e-9))
}

/** The most common landing page of each flagged keyword (read only for the few flagged rows). */
async function landingPages(store: Store, options: KeywordOptions, rows: Array<{site: string; keyword: string}>): Promise<Map<string, string>> {
  if (rows.length === 0) return new Map()
  const range = sqlRange(options)
  const found = await store.all<{site: string; term: string; url: string}>(
    `select site, term, mode(entry_url) as url from sessions
     where term in (${[...new Set(rows.map((r) => r.keyword))].map(sqlString).join(', ')})
       and site in (${[...new Set(rows.map((r) => r.site))].map(sqlString).join(', ')})
       and started_at >= $from::TIMESTAMP and started_at < $to::TIMESTAMP and not coalesce(is_bot, false)
     group by all`,
    range,
  )
  return new Map(found.map((r) => [`${r.site}\u0001${r.term}`, r.url]))
}

/** Vega-Lite: the tested rate per keyword with its Wilson interval and the reference rate as a tick. */
export function keywordChart(result: KeywordResult, top = 25): object {
  const shown = result.rows.slice(0, top)
  const values = shown.map((r) => ({
    label: `${r.keyword} (${r.engine})`,
    rate: r.rate,
    low: r.ci_low,
    high: r.ci_high,
    reference: r.reference_rate,
    source: r.reference_source,
    flag: r.flag,
  }))
  const metric = label(result.metric)
  const flags = colorScale(['below', 'above', 'within noise', 'too few visitors', 'no reference'])
  // the reference tick is its own legend entry (black), so the chart says what the tick is without its table
  const colour = {domain: [...flags.domain, REFERENCE_ENTRY], range: [...flags.range, 'black']}
  return {
    // every figure says where it comes from, in the chart itself (an exported SVG travels without its table)
    title: {text: `Keyword ${metric.toLowerCase()} with 95% Wilson interval vs reference`, subtitle: referenceSubtitle(shown)},
    data: {values},
    width: 480,
    encoding: {y: {field: 'label', type: 'nominal', title: 'keyword (engine)', sort: null}},
    layer: [
      {mark: {type: 'rule'}, encoding: {x: {field: 'low', type: 'quantitative', axis: {format: '%'}, title: metric}, x2: {field: 'high'}}},
      {mark: {type: 'point', filled: true, size: 60}, encoding: {x: {field: 'rate', type: 'quantitative'}, color: {field: 'flag', type: 'nominal', title: 'flag', scale: colour}}},
      {
        mark: {type: 'tick', thickness: 2},
        encoding: {
          x: {field: 'reference', type: 'quantitative'},
          color: {datum: REFERENCE_ENTRY, type: 'nominal', scale: colour},
          tooltip: [
            {field: 'reference', type: 'quantitative', format: '.1%'},
            {field: 'source', type: 'nominal'},
          ],
        },
      },
    ],
  }
}

/** The legend entry of the reference tick. */
const REFERENCE_ENTRY = 'reference (tick; sources above)'

/** The distinct reference sources of the rows shown (at most three named, the rest counted). */
function referenceSubtitle(rows: KeywordRow[]): string[] {
  const sources = [...new Set(rows.map((r) => (r.reference === 'industry' ? 'other sites of the same industry in the database' : r.reference_source)).filter((x): x is string => x !== null))]
  if (sources.length === 0) return ['no reference figure applies']
  const named = sources.slice(0, 3).map((x) => `reference: ${x}`)
  return sources.length > 3 ? [...named, `… and ${sources.length - 3} more sources (see the table)`] : named
}

export const KEYWORD_TABLE_COLUMNS = ['site', 'engine', 'keyword', 'visitors', 'inquiries', 'leads', 'orders', 'rate', 'ci_low', 'ci_high', 'reference', 'reference_rate', 'reference_source', 'p_value', 'q_value', 'flag_label', 'lost', 'advice']

/** `ccx report keywords`: conversion per keyword against the pooled industry and a benchmarks file. */
export default defineReport<KeywordOptions, KeywordResult>({
  id: 'marketing/keywords',
  title: 'Keywords against industry benchmarks',
  needs: {tables: ['sessions', 'events', 'sites'], pipelines: ['normalize'], optional: ['intents'], cache: ['marketing-marts']},
  run: (ctx, options) => keywordReport(ctx.store, options),
  warehouse: async (wh, options) => (await import('./warehouse.js')).keywordsWarehouse(wh, options),
  rows: (result) => result.rows as unknown as Row[],
  text: (result) => [
    {rows: result.rows as unknown as Row[], columns: KEYWORD_TABLE_COLUMNS.filter((c) => c !== 'advice')},
    ...(result.rows.some((r) => r.advice) ? [{lines: result.rows.filter((r) => r.advice).slice(0, 10).map((r) => `• ${r.advice}`)}] : []),
  ],
  charts: (result) => [keywordChart(result)],
  async section(ctx) {
    const keywords = await keywordReport(ctx.store, {...rangeOptions(ctx), benchmarks: loadBenchmarks(benchmarksPath(ctx.config))})
    if (keywords.rows.length === 0) return []
    // each source once under the table, the rows pointing at it by number: a sentence per row would bury the figures
    const shownRows = keywords.rows.slice(0, 50)
    const sources = [...new Set(shownRows.map((r) => r.reference_source).filter((x): x is string => x !== null))]
    // a compact table that fits a page and a phone; every column stays in the JSON/CSV of `report keywords`
    const advice = shownRows.some((r) => r.advice)
    const pick = (r: KeywordRow) => ({
      site: r.site,
      engine: r.engine,
      keyword: r.keyword,
      visitors: r.visitors,
      leads: r.leads,
      rate: r.rate,
      '95% interval': `${percent(r.ci_low)}–${percent(r.ci_high)}`,
      reference_rate: r.reference_rate,
      source: r.reference_source === null ? null : `[${sources.indexOf(r.reference_source) + 1}]`,
      q_value: r.q_value,
      flag: r.flag_label,
      lost: r.lost,
      ...(advice ? {advice: r.advice} : {}),
    })
    return [
      {
        title: 'Keywords against industry benchmarks',
        description:
          'Lead rate per keyword with its 95% Wilson interval; flags from an exact binomial or two-proportion z-test with Benjamini–Hochberg at 5% FDR; ranked by leads lost against the reference. Each reference names its source; "(example, not a published statistic)" marks a figure that is not a published statistic.',
        charts: [keywordChart(keywords, 25)],
        tables: [
          {
            title: 'Keywords (top 50 by leads lost)',
            rows: shownRows.map(pick),
            formats: {source: 'text', flag: 'text', '95% interval': 'text'},
            notes: sources.map((x, i) => `[${i + 1}] ${x}`),
          },
        ],
      },
    ]
  },
})
