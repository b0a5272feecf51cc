import {Flags} from '@oclif/core'
import {ReportCommand, reportFlags, type Reported} from '../../cli/report-runner.js'
import type {PathsResult} from '../../reports/marketing/paths.js'

export default class ReportPaths extends ReportCommand<typeof ReportPaths> {
  static description = `The most common channel sequences persons take before an order (or a lead): web → chat → call → order …,
with how many persons took each path, how many of them converted, and the median time between steps.

A person (\`ccx run identities\`) enters at their first touch in --from/--to; touches are web visits, chats (by
channel) and calls; runs of one channel count once. Formulas: docs/metrics.md "Paths".`
  static examples = [
    '<%= config.bin %> report paths',
    '<%= config.bin %> report paths --conversion lead --window 14d',
    '<%= config.bin %> report paths --from 2026-11-01 --to 2026-11-30 --chart paths.svg',
  ]
  static flags = {
    ...reportFlags,
    conversion: Flags.string({description: 'what the paths lead to', options: ['order', 'lead'], default: 'order'}),
    window: Flags.string({description: 'the conversion counts within this long after the first touch (e.g. 7d, 12h)', default: '30d'}),
    'max-steps': Flags.integer({description: 'steps kept per path (the last ones, nearest the conversion)', default: 6, min: 1}),
    limit: Flags.integer({description: 'paths listed, most conversions first', default: 20, min: 1}),
  }

  async run(): Promise<Reported<PathsResult>> {
    const {flags} = await this.parse(ReportPaths)
    const {default: paths} = await import('../../reports/marketing/paths.js')
    const {parseDuration} = await import('../../reports/marketing/common.js')
    return this.runReport(paths, flags, {
      conversion: flags.conversion as 'order' | 'lead',
      windowS: parseDuration(flags.window, '--window'),
      maxSteps: flags['max-steps'],
      limit: flags.limit,
    })
  }
}
