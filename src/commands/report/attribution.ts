import {Flags} from '@oclif/core'
import {ReportCommand, reportFlags, type Reported} from '../../cli/report-runner.js'
import {CcxError, EXIT} from '../../errors.js'
import type {AttributionResult} from '../../reports/marketing/attribution.js'

export default class ReportAttribution extends ReportCommand<typeof ReportAttribution> {
  static description = `Multi-touch attribution of leads and orders to channels: first touch, last touch, linear, time decay
(half-life) and position-based (40/20/40) credit across each visitor's sessions before the conversion.

Formulas: docs/metrics.md "Marketing reports › Attribution".`
  static examples = [
    '<%= config.bin %> report attribution --from 2026-11-01 --to 2026-11-30',
    '<%= config.bin %> report attribution --conversion order --channel source --half-life 3d',
    '<%= config.bin %> report attribution --lookback 14d --chart attribution.svg',
    '<%= config.bin %> report attribution --unit customer --conversion order',
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
    unit: Flags.string({
      description:
        "whose sessions are touches: the converting visitor id's, or every device of its person (customer: `ccx run identities`)",
      options: ['visitor', 'customer'],
      default: 'visitor',
    }),
  }

  async run(): Promise<Reported<AttributionResult>> {
    const {flags} = await this.parse(ReportAttribution)
    const {default: attribution} = await import('../../reports/marketing/attribution.js')
    const {parseDuration} = await import('../../reports/marketing/common.js')
    const halfLifeS = parseDuration(flags['half-life'], '--half-life')
    if (halfLifeS <= 0) throw new CcxError('--half-life must be longer than 0', {code: 'BAD_FLAG', exit: EXIT.usage})
    return this.runReport(attribution, flags, {
      conversion: flags.conversion as 'both',
      channel: flags.channel,
      halfLifeS,
      lookbackS: parseDuration(flags.lookback, '--lookback'),
      unit: flags.unit as 'visitor' | 'customer',
    })
  }
}
