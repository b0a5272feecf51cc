import {fixed, percent, percentValue, round} from '../../format/numbers.js'
import {configuredLibrary, configuredModel} from '../../telesales/configured.js'
import {loadAnalysisCalls, loadCallsToClose, loadScriptScores} from '../../telesales/load.js'
import {THRESHOLD_STEP} from '../../telesales/matcher.js'
import type {ModelEvaluation} from '../../telesales/model/format.js'
import type {Verdict} from './stats.js'
import {defineReport, rangeOptions, type CommonOptions, type ReportContext, type Row} from '../contract.js'
import {analyzeScripts, type AnalysisOptions, type ScriptsAnalysis} from './analysis.js'
import {concentrationChart, hitRateChart, liftChart, scriptsReportChart} from './charts.js'
import {callsToCloseSummary} from './stats.js'

export interface ScriptsOptions extends CommonOptions, Partial<Omit<AnalysisOptions, 'concentratedShare' | 'minGroup'>> {
  campaign?: string
}

export interface ScriptsReportResult extends ScriptsAnalysis {
  filter: {from?: string; to?: string; site?: string; campaign?: string}
  /** Which detector found the hits, and how well it measured on held-out labelled calls (`scripts eval --model`). */
  detection: {detector: 'model' | 'phrasings'; model: string | null; evaluation: ModelEvaluation | null; note: string}
  /** The verdict again with every detection threshold moved down and up by `step` (match-score scale). */
  sensitivity: {
    step: number
    points: Array<{shift: number; verdict: Verdict; pValue: number; topScript: string | null; topKShare: number}>
    holds: boolean
  } | null
  callsToClose: {
    customers: number
    median: number | null
    mean: number | null
    customersWithoutSale: number
    distribution: Array<{calls: number; customers: number; share: number}>
  }
}

/** The analysis of the calls in the range with the configured script library (config files.scripts). */
export async function scriptsReport(ctx: ReportContext, options: ScriptsOptions): Promise<ScriptsReportResult> {
  const {from, to, site, campaign, ...analysisOptions} = options
  const library = await configuredLibrary(ctx.config)
  const filter = {from, to, site, campaign}
  const calls = await loadAnalysisCalls(ctx.store, filter)
  // only the options given: an undefined one must not hide analyzeScripts' default
  const given = Object.fromEntries(Object.entries(analysisOptions).filter(([, v]) => v !== undefined)) as Partial<AnalysisOptions>
  const model = await configuredModel(ctx.config)
  const evaluation = model?.model.evaluation ?? null
  // The power counts the detector's measured errors on each script (held-out precision and recall).
  if (evaluation)
    given.detectionQuality = new Map(
      evaluation.scripts.flatMap((x) => (x.precision !== null && x.recall !== null ? [[x.id, {precision: x.precision, recall: x.recall}] as const] : [])),
    )
  // Every call's best score per script (hits and misses): the verdict's test and the adjusted effects read them (docs/metrics.md).
  const scores = await loadScriptScores(ctx.store, filter)
  const scored = scores ? calls.map((c) => ({...c, scores: scores.get(c.callId) ?? new Map<string, number>()})) : calls
  const analysis = analyzeScripts(library, scored, given)
  const ctc = await loadCallsToClose(ctx.store, filter)
  const detection: ScriptsReportResult['detection'] = {
    detector: model ? 'model' : 'phrasings',
    model: model?.path ?? null,
    evaluation,
    note: !model
      ? 'hits from the library phrasings: detection quality not measured (train and evaluate a model: docs/telesales.md)'
      : evaluation
        ? `held-out call-level macro precision ${evaluation.callPrecision.mean.toFixed(2)} [${evaluation.callPrecision.min.toFixed(2)}, ${evaluation.callPrecision.max.toFixed(2)}], recall ${evaluation.callRecall.mean.toFixed(2)} [${evaluation.callRecall.min.toFixed(2)}, ${evaluation.callRecall.max.toFixed(2)}] over ${evaluation.seeds.length} splits (${evaluation.labels})`
        : 'trained model without a stored evaluation: run `ccx scripts eval --model FILE` to measure it',
  }
  let sensitivity: ScriptsReportResult['sensitivity'] = null
  if (scores && calls.length > 0) {
    const points = [-THRESHOLD_STEP, THRESHOLD_STEP].map((shift) => {
      const threshold = library.matchThreshold + shift - 1e-9
      const shifted = scored.map((c) => {
        const best = scores.get(c.callId)
        return {...c, scripts: best ? [...best].filter(([, v]) => v >= threshold).map(([id]) => id) : []}
      })
      const a = analyzeScripts(library, shifted, given)
      return {
        shift,
        verdict: a.verdict,
        pValue: a.test.pValue,
        topScript: a.concentration.topScripts[0]?.scriptId ?? null,
        topKShare: a.concentration.topKShare,
      }
    })
    sensitivity = {step: THRESHOLD_STEP, points, holds: points.every((p) => p.verdict === analysis.verdict)}
  }
  return {
    ...analysis,
    filter,
    detection,
    sensitivity,
    callsToClose: {...callsToCloseSummary(ctc.histogram), customersWithoutSale: ctc.customersWithoutSale},
  }
}

const num = (x: number | null | undefined, digits = 2) => fixed(x, digits, '')
const pct = (x: number | null | undefined) => percent(x, 1, '')

/** `ccx report scripts`: which telesales scripts drive sales, and how concentrated the effect is. */
export default defineReport<ScriptsOptions, ScriptsReportResult>({
  id: 'telesales/scripts',
  title: 'Telesales scripts',
  needs: {tables: ['call_script_summary', 'script_hits', 'call_stages'], pipelines: ['telesales']},
  run: scriptsReport,
  rows: (r) => r.scripts.map(({tags, ...s}) => ({...s, tags: tags.join(' ')})) as unknown as Row[],
  text: (r) => {
    const c = r.concentration
    const ctc = r.callsToClose
    return [
      {
        lines: [
          `Verdict: ${r.verdict.toUpperCase()} — ${r.reason}.`,
          `Detection: ${r.detection.detector === 'model' ? 'trained model' : 'phrasings'}; ${r.detection.note}.`,
          r.power.power === null
            ? 'Power: not computed.'
            : `Power to find ${r.power.effect}: ${r.power.power.toFixed(2)} (per script ${num(r.power.min)}–${num(r.power.max)}, ${r.power.simulations} simulations each).`,
          r.sensitivity
            ? `Threshold ± ${r.sensitivity.step}: ${r.sensitivity.points.map((p) => `${p.shift > 0 ? '+' : ''}${p.shift} → ${p.verdict}${p.topScript ? ` (top ${p.topScript})` : ''}`).join(', ')}: the verdict ${r.sensitivity.holds ? 'holds' : 'does NOT hold'}.`
            : 'Threshold check: not available (re-run `ccx run telesales --force`).',
          ...r.warnings.map((w) => `Warning: ${w.message}.`),
          `${r.calls} calls, ${r.successCalls} sales (${pct(r.conversion)}); largest script χ² ${r.test.maxChi.toFixed(1)}, permutation p ${r.test.pValue.toFixed(4)}; ` +
            `hit distributions: G ${r.test.g.toFixed(1)} (df ${r.test.df}), p ${r.test.pValueG.toFixed(4)}, JSD ${r.test.jsd.toFixed(4)} bits, p ${r.test.pValueJsd.toFixed(4)} (${r.test.permutations} permutations${r.test.stratify ? `, within ${r.test.strata} ${r.test.stratify}s` : ''})`,
          `Top ${c.k} share ${pct(c.topKShare)} [${pct(c.topKShareInterval.low)}, ${pct(c.topKShareInterval.high)}]; concentration index ${num(c.concentrationIndex)} ` +
            `[${num(c.concentrationIndexInterval.low)}, ${num(c.concentrationIndexInterval.high)}]; HHI ${num(c.hhi, 3)}; top: ${c.topScripts.map((t) => `${t.scriptId} ${pct(t.share)}`).join(', ')}`,
        ],
      },
      {
        rows: r.stages.map((s) => ({
          stage: s.stage,
          reached: pct(s.hitRate),
          'conv reached': pct(s.convHit),
          'conv not': pct(s.convMiss),
          lift: num(s.lift),
          'stage test p': num(s.testPValue, 3),
          'top script': s.topScript ?? '',
          share: pct(s.topShare),
        })),
      },
      {
        rows: r.scripts.map((s) => ({
          stage: s.stage,
          script: s.scriptId + (s.excluded ? ' (not tested)' : ''),
          'hit rate': pct(s.hitRate),
          'conv hit': pct(s.convHit),
          'conv not': pct(s.convMiss),
          lift: num(s.lift),
          'log-odds [95%]': `${num(s.logOdds)} [${num(s.logOddsLow)}, ${num(s.logOddsHigh)}]`,
          q: s.qValue === null ? '' : s.qValue.toPrecision(2),
          share: pct(s.share),
        })),
      },
      {
        lines: [
          `Calls to close: ${ctc.customers} customers bought; median ${num(ctc.median, 1)}, mean ${num(ctc.mean, 2)} calls; ${ctc.customersWithoutSale} customers without a sale.`,
        ],
        rows: ctc.distribution.length > 0 ? ctc.distribution.map((d) => ({calls: d.calls, customers: d.customers, share: pct(d.share)})) : undefined,
      },
    ]
  },
  charts: (r) => [scriptsReportChart(r)],
  async section(ctx) {
    const a = await scriptsReport(ctx, {...rangeOptions(ctx), seed: 1, permutations: 499, bootstrap: 200})
    if (a.calls === 0) return [{title: 'Telesales scripts', description: 'No transcribed calls in this period.', charts: [], tables: []}]
    const ctc = a.callsToClose
    const c = a.concentration
    const pv = (v: number | null) => percentValue(v)
    return [
      {
        title: `Telesales scripts: ${a.verdict}`,
        description:
          `${a.reason}. ${a.calls} calls, ${a.successCalls} sales. Permutation test of the largest per-script χ² (script said × sale): ` +
          `${a.test.maxChi.toFixed(1)}, p = ${a.test.pValue.toFixed(3)}; hit distributions of successful vs unsuccessful calls: G ${a.test.g.toFixed(1)}, p = ${a.test.pValueG.toFixed(3)} ` +
          `(Jensen–Shannon divergence ${a.test.jsd.toFixed(4)} bits, p = ${a.test.pValueJsd.toFixed(3)}); ` +
          `top ${c.k} scripts carry ${pv(c.topKShare)}% [${pv(c.topKShareInterval.low)}–${pv(c.topKShareInterval.high)}%] of the χ² beyond chance; concentration index ${round(c.concentrationIndex)}. ` +
          `Power to find ${a.power.effect}: ${a.power.power === null ? 'not computed' : round(a.power.power)}. Detection: ${a.detection.note}. ` +
          (a.sensitivity ? `At detection threshold ± ${a.sensitivity.step} the verdict ${a.sensitivity.holds ? 'holds' : 'changes'}. ` : '') +
          a.warnings.map((w) => `Warning: ${w.message}.`).join(' '),
        charts: [concentrationChart(a), liftChart(a)],
        tables: [
          {
            title: 'Scripts',
            rows: a.scripts.map((s) => ({
              stage: s.stage,
              script: s.scriptId,
              tested: !s.excluded,
              'hit %': pv(s.hitRate),
              'conv hit %': pv(s.convHit),
              'conv not %': pv(s.convMiss),
              lift: round(s.lift),
              'log-odds': round(s.logOdds),
              'low 95%': round(s.logOddsLow),
              'high 95%': round(s.logOddsHigh),
              'q (BH)': s.qValue === null ? null : Number(s.qValue.toPrecision(2)),
              'share %': pv(s.share),
            })),
          },
        ],
      },
      {
        title: 'Script hit rates and stages',
        description: `Share of calls that said each script; stages reached and the conversion when reached. Calls to close: median ${ctc.median ?? '–'}, mean ${round(ctc.mean) ?? '–'} calls (${ctc.customers} buying customers).`,
        charts: [hitRateChart(a)],
        tables: [
          {
            title: 'Stages',
            rows: a.stages.map((s) => ({
              stage: s.stage,
              'reached %': pv(s.hitRate),
              'conv reached %': pv(s.convHit),
              'conv not %': pv(s.convMiss),
              'stage test p': round(s.testPValue),
              'top script': s.topScript,
            })),
          },
          {title: 'Calls to close', rows: ctc.distribution.map((d) => ({calls: d.calls, customers: d.customers, 'share %': pv(d.share)}))},
        ],
      },
    ]
  },
})
