import {Flags} from '@oclif/core'
import {ReportCommand, reportFlags, warehouseFlag, type Reported} from '../../cli/report-runner.js'
import type {SourcesResult} from '../../reports/marketing/sources.js'

export default class ReportSources extends ReportCommand<typeof ReportSources> {
  static description = `Traffic sources: share of sessions by medium and by search engine, and the top keywords of each engine,
with the sessions that made an inquiry, a lead or an order.

Formulas: docs/metrics.md "Marketing reports › Sources".`
  static examples = [
    '<%= config.bin %> report sources --from 2026-11-01 --to 2026-11-30',
    '<%= config.bin %> report sources --site canon --top 20 --csv',
    '<%= config.bin %> report sources --chart sources.svg',
  ]
  static flags = {
    ...reportFlags,
    ...warehouseFlag,
    where: Flags.string({description: 'SQL condition on the session s.* and its intent si.intent, e.g. "s.device_type = \'mobile\'"'}),
    top: Flags.integer({description: 'keywords shown per search engine', default: 10}),
  }

  async run(): Promise<Reported<SourcesResult>> {
    const {flags} = await this.parse(ReportSources)
    const {default: sources} = await import('../../reports/marketing/sources.js')
    return this.runReport(sources, flags, {topKeywords: flags.top, where: flags.where})
  }
}
