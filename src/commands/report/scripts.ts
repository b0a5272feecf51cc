import {Flags} from '@oclif/core'
import {DataCommand} from '../../cli/base-command.js'
import type {ScriptsAnalysis} from '../../reports/telesales/analysis.js'

export interface ScriptsReportResult extends ScriptsAnalysis {
  filter: {from?: string; to?: string; site?: string; campaign?: string}
  callsToClose: {
    customers: number
    median: number | null
    mean: number | null
    customersWithoutSale: number
    distribution: Array<{calls: number; customers: number; share: number}>
  }
  chart?: string
}

const pct = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? '' : `${(x * 100).toFixed(1)}%`)
const num = (x: number | null | undefined, d = 2) => (x === null || x === undefined || !Number.isFinite(x) ? '' : x.toFixed(d))

export default class ReportScripts extends DataCommand<typeof ReportScripts> {
  static description = `Which telesales scripts drive sales: per stage and script, hit rate, conversion when hit vs not, lift and
log-odds with 95% intervals, Fisher tests with Benjamini–Hochberg and Holm corrections; a global permutation test
(Jensen–Shannon divergence and G between the hit distributions of successful and unsuccessful calls, each call's hits
kept together, optionally within agents or campaigns); how concentrated the effect is (top-k share, normalized-entropy
concentration index, HHI, with bootstrap intervals); a verdict: concentrated, dispersed or not enough data; and
calls-to-close. Runs the telesales pipeline first when its inputs changed. Formulas: docs/metrics.md "Telesales scripts".`
  static examples = [
    '<%= config.bin %> report scripts',
    '<%= config.bin %> report scripts --stratify agent --seed 7 --json',
    '<%= config.bin %> report scripts --campaign spring-printer --chart reports/scripts.svg',
  ]
  static flags = {
    from: Flags.string({description: 'first day of calls (YYYY-MM-DD), inclusive'}),
    to: Flags.string({description: 'last day of calls (YYYY-MM-DD), inclusive'}),
    site: Flags.string({description: 'only this site'}),
    campaign: Flags.string({description: 'only this campaign'}),
    stratify: Flags.string({description: 'permute success labels only within agents or campaigns', options: ['agent', 'campaign']}),
    seed: Flags.integer({description: 'seed of the permutation and bootstrap RNG', default: 1}),
    permutations: Flags.integer({description: 'permutations of the global test', default: 499, min: 0}),
    bootstrap: Flags.integer({description: 'bootstrap resamples for the concentration intervals', default: 200, min: 0}),
    'top-k': Flags.integer({description: 'k of the top-k share', default: 2, min: 1}),
    alpha: Flags.string({description: 'significance level', default: '0.05'}),
    chart: Flags.string({description: 'also write the charts: FILE.svg, FILE.png or FILE.vl.json'}),
  }

  async run(): Promise<ScriptsReportResult> {
    const {flags} = await this.parse(ReportScripts)
    const {configuredLibrary, ensureScriptAnalysis} = await import('../../reports/telesales/ensure.js')
    const {loadAnalysisCalls, loadCallsToClose} = await import('../../telesales/load.js')
    const {analyzeScripts} = await import('../../reports/telesales/analysis.js')
    const {callsToCloseSummary} = await import('../../reports/telesales/stats.js')
    const library = await configuredLibrary(this.ccxConfig)
    const store = await this.openStore(this.dbPath(flags.db))
    await ensureScriptAnalysis(store, this.ccxConfig, (m) => this.progress(m))
    const filter = {from: flags.from, to: flags.to, site: flags.site, campaign: flags.campaign}
    const calls = await loadAnalysisCalls(store, filter)
    const analysis = analyzeScripts(library, calls, {
      seed: flags.seed,
      permutations: flags.permutations,
      bootstrap: flags.bootstrap,
      topK: flags['top-k'],
      stratify: flags.stratify as 'agent' | 'campaign' | undefined,
      alpha: Number(flags.alpha),
    })
    const ctc = await loadCallsToClose(store, filter)
    const result: ScriptsReportResult = {
      ...analysis,
      filter,
      callsToClose: {...callsToCloseSummary(ctc.histogram), customersWithoutSale: ctc.customersWithoutSale},
    }
    if (flags.chart) {
      const {writeChart} = await import('../../charts/render.js')
      const {scriptsReportChart} = await import('../../reports/telesales/charts.js')
      await writeChart(scriptsReportChart(analysis), flags.chart)
      result.chart = flags.chart
    }
    this.printHuman(result)
    return result
  }

  private printHuman(r: ScriptsReportResult): void {
    const c = r.concentration
    this.log(`Verdict: ${r.verdict.toUpperCase()} — ${r.reason}`)
    this.log(
      `${r.calls} calls, ${r.successCalls} sales (${pct(r.conversion)}); G ${r.test.g.toFixed(1)} (df ${r.test.df}), permutation p ${r.test.pValue.toFixed(4)}; ` +
        `JSD ${r.test.jsd.toFixed(4)} bits, p ${r.test.pValueJsd.toFixed(4)} (${r.test.permutations} permutations${r.test.stratify ? `, within ${r.test.strata} ${r.test.stratify}s` : ''})`,
    )
    this.log(
      `Top ${c.k} share ${pct(c.topKShare)} [${pct(c.topKShareInterval.low)}, ${pct(c.topKShareInterval.high)}]; concentration index ${num(c.concentrationIndex)} ` +
        `[${num(c.concentrationIndexInterval.low)}, ${num(c.concentrationIndexInterval.high)}]; HHI ${num(c.hhi, 3)}; top: ${c.topScripts.map((t) => `${t.scriptId} ${pct(t.share)}`).join(', ')}`,
    )
    this.log('')
    this.table(
      r.stages.map((s) => ({
        stage: s.stage,
        reached: pct(s.hitRate),
        'conv reached': pct(s.convHit),
        'conv not': pct(s.convMiss),
        lift: num(s.lift),
        'stage test p': num(s.testPValue, 3),
        'top script': s.topScript ?? '',
        share: pct(s.topShare),
      })),
    )
    this.log('')
    this.table(
      r.scripts.map((s) => ({
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
    )
    const ctc = r.callsToClose
    this.log('')
    this.log(
      `Calls to close: ${ctc.customers} customers bought; median ${num(ctc.median, 1)}, mean ${num(ctc.mean, 2)} calls; ${ctc.customersWithoutSale} customers without a sale`,
    )
    if (ctc.distribution.length > 0)
      this.table(ctc.distribution.map((d) => ({calls: d.calls, customers: d.customers, share: pct(d.share)})))
    if (r.chart) this.log(`chart: ${r.chart}`)
  }
}
