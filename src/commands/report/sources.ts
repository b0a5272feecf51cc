import {Flags} from '@oclif/core'
import {DataCommand} from '../../cli/base-command.js'
import {reportFlags} from '../../reports/flags.js'
import type {SourcesResult} from '../../reports/marketing/sources.js'

export default class ReportSources extends DataCommand<typeof ReportSources> {
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
    where: Flags.string({description: 'SQL condition on the session s.* and its intent si.intent, e.g. "s.device_type = \'mobile\'"'}),
    top: Flags.integer({description: 'keywords shown per search engine', default: 10}),
  }

  async run(): Promise<SourcesResult> {
    const {flags} = await this.parse(ReportSources)
    const {sourcesReport, sourcesRows, sourcesChart} = await import('../../reports/marketing/sources.js')
    const {presentTables} = await import('../../reports/marketing/marketing-common.js')
    const store = await this.openStore(this.dbPath(flags.db))
    const result = await sourcesReport(store, {
      from: flags.from,
      to: flags.to,
      site: flags.site,
      topKeywords: flags.top,
      where: flags.where,
    })
    const asRows = (x: unknown) => x as Record<string, unknown>[]
    await presentTables(
      [
        {title: `Mediums (${result.sessions} sessions)`, rows: asRows(result.mediums)},
        {title: `Search engines (${result.search_sessions} search sessions)`, rows: asRows(result.engines)},
        {title: 'Keywords per engine', rows: asRows(result.keywords)},
      ],
      sourcesRows(result),
      () => sourcesChart(result),
      {
        json: this.jsonEnabled(),
        csv: flags.csv,
        out: flags.out,
        chart: flags.chart,
        store,
        log: (t) => this.log(t),
        progress: (t) => this.progress(t),
      },
    )
    return result
  }
}
