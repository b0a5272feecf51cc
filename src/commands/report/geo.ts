import {Flags} from '@oclif/core'
import {ReportCommand, reportFlags, warehouseFlag, type Reported} from '../../cli/report-runner.js'
import type {GeoResult} from '../../reports/marketing/geo.js'

export default class ReportGeo extends ReportCommand<typeof ReportGeo> {
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
    ...warehouseFlag,
    where: Flags.string({description: 'SQL condition on the session s.* and its intent si.intent, e.g. "s.device_type = \'mobile\'"'}),
    level: Flags.string({description: 'group by province or by city', options: ['province', 'city'], default: 'city'}),
    'min-sessions': Flags.integer({description: 'fewest sessions for a place to get a lead index', default: 30}),
    limit: Flags.integer({description: 'places shown (most sessions first)', default: 50}),
  }

  async run(): Promise<Reported<GeoResult>> {
    const {flags} = await this.parse(ReportGeo)
    const {default: geo} = await import('../../reports/marketing/geo.js')
    return this.runReport(geo, flags, {
      level: flags.level as 'city',
      minSessions: flags['min-sessions'],
      limit: flags.limit,
      where: flags.where,
    })
  }
}
