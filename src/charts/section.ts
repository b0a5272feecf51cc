/** How a table column reads in the HTML report (raw values stay in JSON/CSV). */
export type CellFormat =
  /** 1234 → 1,234 */
  | 'count'
  /** 1234.567 → 1,234.57 */
  | 'number'
  /** one figure per row, counts and ratios together: 62 → 62, 3.0912 → 3.09, 1033029 → 1,033,029 */
  | 'mixed'
  /** a share 0–1: 0.1147 → 11.5% */
  | 'percent'
  /** already in percent points: 11.47 → 11.5% */
  | 'percentValue'
  /** seconds: 93204.5 → 25 h 53 min */
  | 'duration'
  /** a p-value: 0.0002 → < 0.001 */
  | 'p'
  | 'text'

/** A table of the HTML report. */
export interface ReportTable {
  title: string
  rows: Record<string, unknown>[]
  /** Column formats; a column without one is inferred from its name and values (src/charts/html-report.ts). */
  formats?: Record<string, CellFormat>
  /** What the reader needs to read it (what a column means, what was left out). */
  notes?: string[]
}

/** One block of the HTML report: its charts (Vega-Lite specs) and tables. Reports build them; src/charts renders them. */
export interface ReportSection {
  title: string
  description?: string
  charts: object[]
  tables: ReportTable[]
}
