import {Flags} from '@oclif/core'
import {DataCommand} from '../../cli/base-command.js'
import {reportFlags} from '../../reports/flags.js'
import type {AttributionResult} from '../../reports/marketing/attribution.js'

export default class ReportAttribution extends DataCommand<typeof ReportAttribution> {
  static description = `Multi-touch attribution of leads and orders to channels: first touch, last touch, linear, time decay
(half-life) and position-based (40/20/40) credit across each visitor's sessions before the conversion.

Formulas: docs/metrics.md "Marketing reports › Attribution".`
  static examples = [
    '<%= config.bin %> report attribution --from 2026-11-01 --to 2026-11-30',
    '<%= config.bin %> report attribution --conversion order --channel source --half-life 3d',
    '<%= config.bin %> report attribution --lookback 14d --chart attribution.svg',
  ]
  static flags = {
    ...reportFlags,
    conversion: Flags.string({description: 'which conversions to credit', options: ['lead', 'order', 'both'], default: 'both'}),
    channel: Flags.string({
      description: 'what a channel is',
      options: ['medium_source', 'medium', 'source', 'campaign'],
      default: 'medium_source',
    }),
    'half-life': Flags.string({description: 'time-decay half-life (e.g. 12h, 7d)', default: '7d'}),
    lookback: Flags.string({description: 'sessions up to this long before the conversion are touches', default: '30d'}),
  }

  async run(): Promise<AttributionResult> {
    const {flags} = await this.parse(ReportAttribution)
    const {attributionReport, attributionChart} = await import('../../reports/marketing/attribution.js')
    const {parseDuration} = await import('../../reports/common.js')
    const {presentReport} = await import('../../reports/present.js')
    const halfLifeS = parseDuration(flags['half-life'], '--half-life')
    if (halfLifeS <= 0) this.error('--half-life must be longer than 0', {exit: 2})
    const store = await this.openStore(this.dbPath(flags.db))
    const result = await attributionReport(store, {
      from: flags.from,
      to: flags.to,
      site: flags.site,
      conversion: flags.conversion as 'both',
      channel: flags.channel,
      halfLifeS,
      lookbackS: parseDuration(flags.lookback, '--lookback'),
    })
    if (!this.jsonEnabled() && !flags.csv) {
      this.log(
        `${result.conversions.lead} leads (${result.unattributed.lead} without a session), ${result.conversions.order} orders (${result.unattributed.order} without a session); half-life ${result.half_life_s / 86400} d, lookback ${result.lookback_s / 86400} d`,
      )
    }
    const columns = ['conversion', 'channel', 'touched', 'first', 'last', 'linear', 'time_decay', 'position', 'revenue_linear']
    await presentReport(
      result.rows as unknown as Record<string, unknown>[],
      () => attributionChart(result),
      {
        json: this.jsonEnabled(),
        csv: flags.csv,
        out: flags.out,
        chart: flags.chart,
        store,
        log: (t) => this.log(t),
        progress: (t) => this.progress(t),
      },
      flags.csv ? undefined : columns,
    )
    return result
  }
}
