import {formatTable} from '../cli/table.js'
import type {Store} from '../store/store.js'
import {toCsv, writeTableFile} from './output.js'

export interface PresentOptions {
  json: boolean
  csv?: boolean
  out?: string
  chart?: string
  log: (text: string) => void
  progress: (text: string) => void
  store?: Store
}

/** The common tail of every report command: table or CSV on stdout, optional table file and chart. */
export async function presentReport(rows: Record<string, unknown>[], chart: (() => object) | undefined, options: PresentOptions, columns?: string[]): Promise<void> {
  if (options.csv) options.log(toCsv(rows, columns).trimEnd())
  else if (!options.json) options.log(formatTable(rows, columns))
  if (options.out) {
    await writeTableFile(rows, options.out, options.store)
    options.progress(`wrote ${rows.length} rows to ${options.out}`)
  }
  if (options.chart && chart) {
    const {writeChart} = await import('../charts/render.js')
    await writeChart(chart(), options.chart)
    options.progress(`wrote chart ${options.chart}`)
  }
}
