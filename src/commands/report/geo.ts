import {Flags} from '@oclif/core'
import {DataCommand} from '../../cli/base-command.js'
import {reportFlags} from '../../reports/flags.js'
import type {GeoResult} from '../../reports/marketing/geo.js'

export default class ReportGeo extends DataCommand<typeof ReportGeo> {
  static description = `Where visitors come from (province or city, by IP) and how each place converts: sessions, visitors,
inquiries, leads and orders, lead rate with its 95% Wilson interval and an index against the whole
(for city-targeted advertising).

Formulas: docs/metrics.md "Marketing reports › Geography".`
  static examples = [
    '<%= config.bin %> report geo --from 2026-11-01 --to 2026-11-30',
    '<%= config.bin %> report geo --level province --chart geo.png',
    '<%= config.bin %> report geo --site canon --limit 100 --out geo.parquet',
  ]
  static flags = {
    ...reportFlags,
    where: Flags.string({description: 'SQL condition on the session s.* and its intent si.intent, e.g. "s.device_type = \'mobile\'"'}),
    level: Flags.string({description: 'group by province or by city', options: ['province', 'city'], default: 'city'}),
    'min-sessions': Flags.integer({description: 'fewest sessions for a place to get a lead index', default: 30}),
    limit: Flags.integer({description: 'places shown (most sessions first)', default: 50}),
  }

  async run(): Promise<GeoResult> {
    const {flags} = await this.parse(ReportGeo)
    const {geoReport, geoRows, geoChart} = await import('../../reports/marketing/geo.js')
    const {presentReport} = await import('../../reports/present.js')
    const store = await this.openStore(this.dbPath(flags.db))
    const result = await geoReport(store, {
      from: flags.from,
      to: flags.to,
      site: flags.site,
      level: flags.level as 'city',
      minSessions: flags['min-sessions'],
      limit: flags.limit,
      where: flags.where,
    })
    await presentReport(geoRows(result), () => geoChart(result), {
      json: this.jsonEnabled(),
      csv: flags.csv,
      out: flags.out,
      chart: flags.chart,
      store,
      log: (t) => this.log(t),
      progress: (t) => this.progress(t),
    })
    if (result.rows_dropped > 0) this.progress(`${result.rows_dropped} smaller places not shown (--limit)`)
    return result
  }
}
