import {Flags} from '@oclif/core'
import {ReportCommand, reportFlags, type Reported} from '../../cli/report-runner.js'
import {CcxError, EXIT} from '../../errors.js'
import {DEFAULT_SERVICE_INTENTS} from '../../reports/service/groups.js'
import type {LayersReport} from '../../reports/service/layers.js'

export default class ReportLayers extends ReportCommand<typeof ReportLayers> {
  static description = `Layered service KPIs (self-service → bot → online agent → hotline): where each person's demand
ended (highest layer reached), self-service share, bot containment, bot answer accuracy from labelled answers
(--bot-labels), the bot's own exchanges (serve /bot, loaded from the event log: containment, hand-over rate, accuracy
from 👍/👎 and labels, repeat questions), satisfaction per layer, and the share of hotline calls transferred from a chat that repeat a question
already asked online. Rules: docs/metrics.md.`
  static examples = [
    '<%= config.bin %> report layers --from 2026-01-01 --to 2026-01-31',
    '<%= config.bin %> report layers --bot-labels labels.csv --json',
  ]
  static flags = {
    ...reportFlags,
    'service-intents': Flags.string({
      description: 'session intents that count as service demand (comma-separated)',
      default: DEFAULT_SERVICE_INTENTS.join(','),
    }),
    'bot-labels': Flags.string({
      description:
        'CSV of labelled bot answers: header conversation_id,seq,correct (chat messages) or exchange_id,correct (/bot exchanges)',
    }),
    similarity: Flags.string({description: 'bigram Jaccard at or above which a call turn repeats a chat question', default: '0.5'}),
  }

  async run(): Promise<Reported<LayersReport>> {
    const {flags} = await this.parse(ReportLayers)
    const similarity = Number(flags.similarity)
    if (!(similarity > 0 && similarity <= 1))
      throw new CcxError(`--similarity ${flags.similarity}: use a number in (0, 1]`, {code: 'BAD_FLAG', exit: EXIT.usage})
    const {default: layers} = await import('../../reports/service/layers.js')
    return this.runReport(layers, flags, {
      serviceIntents: flags['service-intents']
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      botLabels: flags['bot-labels'],
      similarity,
    })
  }
}
