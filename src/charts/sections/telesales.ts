import type {ReportRange, ReportSection} from '../section.js'
import type {LoadedConfig} from '../../config/load.js'
import type {Store} from '../../store/store.js'

/** Telesales scripts in the HTML report: the verdict, effects per script, hit rates and calls-to-close. */
export default async function telesalesSection(store: Store, range: ReportRange, config: LoadedConfig): Promise<ReportSection[]> {
  const {configuredLibrary, ensureScriptAnalysis} = await import('../../reports/telesales/ensure.js')
  if (!(await store.tableExists('call_script_summary'))) {
    try {
      await ensureScriptAnalysis(store, config, () => {})
    } catch {
      return [
        {
          title: 'Telesales scripts',
          description: 'No script analysis: ingest calls and transcripts, then run `ccx run telesales`.',
          charts: [],
          tables: [],
        },
      ]
    }
  }
  const {loadAnalysisCalls, loadCallsToClose} = await import('../../telesales/load.js')
  const {analyzeScripts} = await import('../../reports/telesales/analysis.js')
  const {callsToCloseSummary} = await import('../../reports/telesales/stats.js')
  const {concentrationChart, hitRateChart, liftChart} = await import('../../reports/telesales/charts.js')
  const library = await configuredLibrary(config)
  const filter = {from: range.from, to: range.to}
  const calls = await loadAnalysisCalls(store, filter)
  if (calls.length === 0) return [{title: 'Telesales scripts', description: 'No transcribed calls in this period.', charts: [], tables: []}]
  const a = analyzeScripts(library, calls, {seed: 1, permutations: 499, bootstrap: 200})
  const ctc = callsToCloseSummary((await loadCallsToClose(store, filter)).histogram)
  const pct = (v: number | null) => (v === null || !Number.isFinite(v) ? null : Math.round(v * 1000) / 10)
  const r2 = (v: number | null) => (v === null || !Number.isFinite(v) ? null : Math.round(v * 100) / 100)
  const c = a.concentration
  return [
    {
      title: `Telesales scripts: ${a.verdict}`,
      description:
        `${a.reason}. ${a.calls} calls, ${a.successCalls} sales. Permutation test of the G statistic of the script-hit counts of successful vs ` +
        `unsuccessful calls: G ${a.test.g.toFixed(1)}, p = ${a.test.pValue.toFixed(3)} (Jensen–Shannon divergence ${a.test.jsd.toFixed(4)} bits, p = ${a.test.pValueJsd.toFixed(3)}); ` +
        `top ${c.k} scripts carry ${pct(c.topKShare)}% [${pct(c.topKShareInterval.low)}–${pct(c.topKShareInterval.high)}%] of G; concentration index ${r2(c.concentrationIndex)}.`,
      charts: [concentrationChart(a), liftChart(a)],
      tables: [
        {
          title: 'Scripts',
          rows: a.scripts.map((s) => ({
            stage: s.stage,
            script: s.scriptId,
            tested: !s.excluded,
            'hit %': pct(s.hitRate),
            'conv hit %': pct(s.convHit),
            'conv not %': pct(s.convMiss),
            lift: r2(s.lift),
            'log-odds': r2(s.logOdds),
            'low 95%': r2(s.logOddsLow),
            'high 95%': r2(s.logOddsHigh),
            'q (BH)': s.qValue === null ? null : Number(s.qValue.toPrecision(2)),
            'share %': pct(s.share),
          })),
        },
      ],
    },
    {
      title: 'Script hit rates and stages',
      description: `Share of calls that said each script; stages reached and the conversion when reached. Calls to close: median ${ctc.median ?? '–'}, mean ${r2(ctc.mean) ?? '–'} calls (${ctc.customers} buying customers).`,
      charts: [hitRateChart(a)],
      tables: [
        {
          title: 'Stages',
          rows: a.stages.map((s) => ({
            stage: s.stage,
            'reached %': pct(s.hitRate),
            'conv reached %': pct(s.convHit),
            'conv not %': pct(s.convMiss),
            'stage test p': r2(s.testPValue),
            'top script': s.topScript,
          })),
        },
        {title: 'Calls to close', rows: ctc.distribution.map((d) => ({calls: d.calls, customers: d.customers, 'share %': pct(d.share)}))},
      ],
    },
  ]
}
