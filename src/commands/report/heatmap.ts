import {Flags} from '@oclif/core'
import {DataCommand} from '../../cli/base-command.js'
import {reportFlags} from '../../reports/flags.js'
import type {HeatmapResult} from '../../reports/marketing/heatmap.js'

export default class ReportHeatmap extends DataCommand<typeof ReportHeatmap> {
  static description = `Click density on one page: click events binned into a grid of --bin pixel cells, and the most clicked
selectors. --chart draws the Vega-Lite heatmap.

Formulas: docs/metrics.md "Marketing reports › Heatmap".`
  static examples = [
    '<%= config.bin %> report heatmap --url https://www.example.com/service/stations --chart heat.png',
    '<%= config.bin %> report heatmap --url "https://www.example.com/products/*" --bin 25 --json',
  ]
  static flags = {
    ...reportFlags,
    url: Flags.string({description: 'page URL (* is a wildcard; without ? it matches any query string)', required: true}),
    bin: Flags.integer({description: 'cell size in pixels', default: 50}),
    selectors: Flags.boolean({description: 'print the most clicked selectors instead of the grid'}),
  }

  async run(): Promise<HeatmapResult> {
    const {flags} = await this.parse(ReportHeatmap)
    const {heatmapReport, heatmapChart} = await import('../../reports/marketing/heatmap.js')
    const {presentReport} = await import('../../reports/present.js')
    const store = await this.openStore(this.dbPath(flags.db))
    const result = await heatmapReport(store, flags.url, {from: flags.from, to: flags.to, site: flags.site, bin: flags.bin})
    if (!this.jsonEnabled() && !flags.csv)
      this.log(`${result.clicks} clicks on ${result.url} (${result.located} with coordinates), ${result.bin}px cells`)
    const rows = (flags.selectors ? result.selectors : result.cells) as unknown as Record<string, unknown>[]
    await presentReport(rows, () => heatmapChart(result), {
      json: this.jsonEnabled(),
      csv: flags.csv,
      out: flags.out,
      chart: flags.chart,
      store,
      log: (t) => this.log(t),
      progress: (t) => this.progress(t),
    })
    return result
  }
}
