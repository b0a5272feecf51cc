import {Flags} from '@oclif/core'
import {DataCommand} from '../../cli/base-command.js'
import {CcxError, EXIT} from '../../errors.js'
import type {ServiceReport} from '../../reports/service/service.js'

const GROUPS = ['total', 'day', 'hour', 'queue', 'channel', 'agent', 'site']

export default class ReportService extends DataCommand<typeof ReportService> {
  static description = `Service KPIs from call records and chats: offered, answered, abandoned (short abandons apart),
service level X% in Y seconds (of offered, of answered, excluding short abandons), ASA, AHT, chat first response and
reply time (bot time excluded), resolution, concurrency, occupancy (n/a without agent states), CSAT top-2-box and
response rate, first-contact resolution (no repeat contact within N days). Formulas: docs/metrics.md.`
  static examples = [
    '<%= config.bin %> report service --by day --from 2026-01-01 --to 2026-01-31',
    '<%= config.bin %> report service --by queue --kind call --sl-threshold 30 --json',
    '<%= config.bin %> report service --by hour --chart reports/service-level.svg',
  ]
  static flags = {
    by: Flags.string({description: 'group rows by', options: GROUPS, default: 'day'}),
    from: Flags.string({description: 'first day (YYYY-MM-DD), by contact start'}),
    to: Flags.string({description: 'last day, inclusive (YYYY-MM-DD)'}),
    kind: Flags.string({description: 'only calls or only chats (default: both)', options: ['call', 'chat']}),
    site: Flags.string({description: 'only this site'}),
    'sl-threshold': Flags.integer({description: 'service-level threshold Y seconds; answered at exactly Y counts as within', default: 20}),
    'short-abandon': Flags.integer({description: 'abandons faster than this many seconds are short abandons', default: 5}),
    'repeat-days': Flags.integer({description: 'a contact is repeated when the customer comes back within N days', default: 7}),
    chart: Flags.string({description: 'write the service-level chart (.vl.json, .svg, .png)'}),
  }

  async run(): Promise<ServiceReport> {
    const {flags} = await this.parse(ReportService)
    if (flags['sl-threshold'] < 0 || flags['short-abandon'] < 0 || flags['repeat-days'] < 0) {
      throw new CcxError('--sl-threshold, --short-abandon and --repeat-days must be ≥ 0', {code: 'BAD_FLAG', exit: EXIT.usage})
    }
    const store = await this.openStore(this.dbPath(flags.db))
    const {ensureServiceFacts, serviceReport} = await import('../../reports/service/service.js')
    await ensureServiceFacts(store, this.ccxConfig, (m) => this.progress(m))
    const report = await serviceReport(store, {
      by: flags.by as ServiceReport['by'],
      from: flags.from,
      to: flags.to,
      kind: flags.kind as 'call' | 'chat' | undefined,
      site: flags.site,
      thresholdS: flags['sl-threshold'],
      shortAbandonS: flags['short-abandon'],
      repeatDays: flags['repeat-days'],
    })
    const pct = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(1)}%`)
    const sec = (v: number | null) => (v === null ? 'n/a' : Math.round(v * 10) / 10)
    this.table(
      (report.by === 'total' ? [report.total] : [...report.rows, report.total]).map((r) => ({
        [report.by]: r.group,
        offered: r.offered,
        answered: r.answered,
        abandoned: r.abandoned,
        'short ab.': r.shortAbandoned,
        'aband.%': pct(r.abandonRate),
        [`SL ${report.thresholdS}s`]: pct(r.serviceLevel),
        'SL ans.': pct(r.serviceLevelOfAnswered),
        'SL ex-short': pct(r.serviceLevelExShort),
        'ASA s': sec(r.asaSeconds),
        'AHT s': sec(r.ahtSeconds),
        'FRT s': sec(r.firstResponseSeconds),
        'reply s': sec(r.replySeconds),
        resolved: pct(r.resolutionRate),
        'conc.': r.concurrency === null ? 'n/a' : Math.round(r.concurrency * 100) / 100,
        'occ.': pct(r.occupancy),
        'CSAT t2b': pct(r.csatTop2Box),
        'CSAT resp.': pct(r.csatResponseRate),
        FCR: pct(r.fcr),
      })),
    )
    for (const n of report.notes) this.progress(n)
    if (flags.chart) {
      const {serviceLevelChart, writeServiceChart} = await import('../../reports/service/charts.js')
      await writeServiceChart(serviceLevelChart(report), flags.chart)
      this.progress(`chart written: ${flags.chart}`)
    }
    return report
  }
}
