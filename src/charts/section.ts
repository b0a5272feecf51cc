import type {LoadedConfig} from '../config/load.js'
import type {Store} from '../store/store.js'

export interface ReportRange {
  from?: string
  to?: string
}

export interface ReportTable {
  title: string
  rows: Record<string, unknown>[]
}

/** One block of the HTML report: its charts (Vega-Lite specs) and tables. */
export interface ReportSection {
  title: string
  description?: string
  charts: object[]
  tables: ReportTable[]
}

/**
 * Every .ts/.js file in src/charts/sections/ default-exports one of these; `ccx export report`
 * discovers them, so an area adds its part of the report by adding a file.
 */
export type SectionBuilder = (store: Store, range: ReportRange, config: LoadedConfig) => Promise<ReportSection[]>
