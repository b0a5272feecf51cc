import {Flags} from '@oclif/core'
import {ReportCommand, reportFlags, type Reported} from '../../cli/report-runner.js'
import {CcxError, EXIT} from '../../errors.js'
import type {ScriptsReportResult} from '../../reports/telesales/scripts.js'

export default class ReportScripts extends ReportCommand<typeof ReportScripts> {
  static description = `Shows which telesales scripts drive sales and whether success concentrates on a few of them.
Per stage and script, hit rate, conversion when hit vs not, lift and
log-odds with 95% intervals, Fisher tests with Benjamini–Hochberg and Holm corrections; a global permutation test
(the largest per-script χ², each call's hits kept together, optionally within agents or campaigns; G and the
Jensen–Shannon divergence beside it); how concentrated the effect is (top-k share of the χ² beyond chance,
normalized-entropy concentration index, HHI, with bootstrap intervals); the power to see one script's effect; a
verdict: concentrated, dispersed (only when the calls had the power to see concentration) or no evidence either way,
with the detection quality, untestable-script warnings and the verdict at nearby detection thresholds; and
calls-to-close. --chart writes the three charts stacked. Formulas: docs/metrics.md "Telesales scripts".`
  static examples = [
    '<%= config.bin %> report scripts',
    '<%= config.bin %> report scripts --stratify agent --seed 7 --json',
    '<%= config.bin %> report scripts --campaign spring-printer --chart reports/scripts.svg',
  ]
  static flags = {
    ...reportFlags,
    campaign: Flags.string({description: 'only this campaign'}),
    scripts: Flags.string({description: 'script library instead of files.scripts (as given to `ccx run telesales --scripts`)'}),
    model: Flags.string({description: 'trained script model instead of files.scriptModel (as given to `ccx run telesales --model`)'}),
    stratify: Flags.string({description: 'permute success labels only within agents or campaigns', options: ['agent', 'campaign']}),
    seed: Flags.integer({description: 'seed of the permutation and bootstrap RNG', default: 1}),
    permutations: Flags.integer({description: 'permutations of the global test', default: 499, min: 0}),
    bootstrap: Flags.integer({description: 'bootstrap resamples for the concentration intervals', default: 200, min: 0}),
    'top-k': Flags.integer({description: 'k of the top-k share', default: 2, min: 1}),
    alpha: Flags.string({description: 'significance level', default: '0.05'}),
  }

  async run(): Promise<Reported<ScriptsReportResult>> {
    const {flags} = await this.parse(ReportScripts)
    const alpha = Number(flags.alpha)
    if (!(alpha > 0 && alpha < 1))
      throw new CcxError(`--alpha ${flags.alpha} must be a number between 0 and 1`, {code: 'BAD_FLAG', exit: EXIT.usage})
    const {withTelesalesFiles} = await import('../../telesales/configured.js')
    this.useConfig(withTelesalesFiles(this.ccxConfig, {scripts: flags.scripts, model: flags.model}))
    const {default: scripts} = await import('../../reports/telesales/scripts.js')
    return this.runReport(scripts, flags, {
      campaign: flags.campaign,
      seed: flags.seed,
      permutations: flags.permutations,
      bootstrap: flags.bootstrap,
      topK: flags['top-k'],
      stratify: flags.stratify as 'agent' | 'campaign' | undefined,
      alpha,
    })
  }
}
