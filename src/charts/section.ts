/** A table of the HTML report. */
export interface ReportTable {
  title: string
  rows: Record<string, unknown>[]
}

/** One block of the HTML report: its charts (Vega-Lite specs) and tables. Reports build them; src/charts renders them. */
export interface ReportSection {
  title: string
  description?: string
  charts: object[]
  tables: ReportTable[]
}
