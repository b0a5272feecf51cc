import {Flags} from '@oclif/core'

/** Flags every `ccx report …` command shares. */
export const reportFlags = {
  from: Flags.string({description: 'first day (YYYY-MM-DD, or "YYYY-MM-DD HH:MM:SS"), inclusive'}),
  to: Flags.string({description: 'last day (YYYY-MM-DD, inclusive; or an exclusive timestamp)'}),
  site: Flags.string({description: 'only this site'}),
  csv: Flags.boolean({description: 'print the table as CSV on stdout', exclusive: ['json']}),
  out: Flags.string({description: 'also write the table to FILE.csv, FILE.parquet or FILE.arrow (Arrow IPC)'}),
  chart: Flags.string({description: 'also write a chart: FILE.svg, FILE.png or FILE.vl.json (Vega-Lite spec)'}),
}
