import {Flags} from '@oclif/core'
import {ReportCommand, reportFlags, type Reported} from '../../cli/report-runner.js'
import type {HeatmapResult} from '../../reports/marketing/heatmap.js'

export default class ReportHeatmap extends ReportCommand<typeof ReportHeatmap> {
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

  async run(): Promise<Reported<HeatmapResult>> {
    const {flags} = await this.parse(ReportHeatmap)
    const {default: heatmap} = await import('../../reports/marketing/heatmap.js')
    return this.runReport(heatmap, flags, {url: flags.url, bin: flags.bin, selectors: flags.selectors})
  }
}
