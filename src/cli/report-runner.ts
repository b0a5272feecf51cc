import {Flags, type Command} from '@oclif/core'
import {mkdirSync, writeFileSync} from 'node:fs'
import {dirname} from 'node:path'
import {CcxError, EXIT} from '../errors.js'
import type {CommonOptions, Report, ReportContext, ReportNeeds, Row} from '../reports/contract.js'
import {parseRange, type ResolvedRange} from '../reports/range.js'
import type {Store} from '../store/store.js'
import {DataCommand} from './base-command.js'

/**
 * The one runner of every report command (`ccx report *`, `ccx staffing`, `ccx export report`): the same flags, one date
 * parser, the database opened read-only (waiting while a writer holds it), one freshness policy, and one way to print
 * and write the result. Commands only map their own flags to the report's options.
 */

/** Flags every report command has (oclif flag definitions are light: this module loads nothing heavy). */
export const reportFlags = {
  from: Flags.string({description: 'first day: YYYY-MM-DD, "YYYY-MM-DD HH:MM[:SS]", today, yesterday or Nd (N days ago)'}),
  to: Flags.string({description: 'last day, inclusive (same forms; a time of day is an exclusive end)'}),
  site: Flags.string({description: 'only this site'}),
  csv: Flags.boolean({description: 'print the table as CSV on stdout', exclusive: ['json']}),
  out: Flags.string({
    description:
      'also write the table to FILE.csv, FILE.parquet or FILE.arrow (Arrow IPC), or the result as a self-contained page FILE.html',
  }),
  chart: Flags.string({description: 'also write a chart: FILE.svg, FILE.png or FILE.vl.json (Vega-Lite spec)'}),
  refresh: Flags.boolean({description: "first run the pipelines whose inputs changed (takes the database's write lock)"}),
  wait: Flags.integer({description: 'seconds to wait while another ccx process writes the database (0: fail at once)', default: 120}),
}

/** `--warehouse` for the reports that have a warehouse path (report.warehouse). */
export const warehouseFlag = {
  warehouse: Flags.boolean({
    description: 'read the ClickHouse warehouse (config warehouse.clickhouse, filled by `ccx warehouse publish`) instead of the database',
    exclusive: ['refresh'],
  }),
}

/** The flags the runner reads (a command's parsed flags have these and its own). */
export interface ReportFlagValues {
  from?: string
  to?: string
  site?: string
  csv?: boolean
  out?: string
  chart?: string
  refresh?: boolean
  wait?: number
  db?: string
  warehouse?: boolean
}

/** A report's result as commands return it (--json): the report's own fields and which pipelines were stale. */
export type Reported<R> = R & {stale: string[]}

export interface ReportSession {
  ctx: ReportContext
  /** Pipelines whose inputs changed since they ran (after --refresh: none). */
  stale: string[]
}

const isHtml = (path: string) => /\.html?$/i.test(path)

export abstract class ReportCommand<T extends typeof Command = typeof Command> extends DataCommand<T> {
  /** Runs `report` with the command's own options: parse the range, open, check freshness, run, print, write. */
  protected async runReport<O extends CommonOptions, R extends object>(
    report: Report<O, R>,
    flags: ReportFlagValues,
    options: Omit<O, keyof CommonOptions>,
  ): Promise<Reported<R>> {
    await this.checkOutputs(flags)
    if (flags.warehouse) {
      if (!report.warehouse) throw new CcxError(`${report.id} has no --warehouse path`, {code: 'BAD_FLAG', exit: EXIT.usage})
      const range = this.reportRange(flags)
      const {openWarehouse} = await import('../warehouse/service.js')
      const result = await report.warehouse(openWarehouse(this.ccxConfig.config), {
        ...options,
        from: range.from ?? undefined,
        to: range.to ?? undefined,
        site: flags.site,
      } as O)
      await this.present(result, report, flags)
      // the warehouse has what was published: no pipeline of this database is read
      return {...result, stale: []}
    }
    const session = await this.openReport(flags, report.needs)
    const {range} = session.ctx
    const result = await report.run(session.ctx, {
      ...options,
      from: range.from ?? undefined,
      to: range.to ?? undefined,
      site: flags.site,
    } as O)
    await this.present(result, report, flags, session.ctx.store)
    return {...result, stale: session.stale}
  }

  /** --from/--to through the one parser (relative days in the configured time zone); exit 2 before anything opens. */
  protected reportRange(flags: ReportFlagValues): ResolvedRange {
    return parseRange({from: flags.from, to: flags.to}, {timeZone: this.ccxConfig.config.timezone})
  }

  /**
   * The database for reading: read-only (or, with --refresh, read-write while the stale pipelines run), with the
   * freshness of `needs` checked and reported on stderr.
   */
  protected async openReport(flags: ReportFlagValues, needs: ReportNeeds): Promise<ReportSession> {
    const range = this.reportRange(flags)
    const waitS = flags.wait ?? 120
    if (!(waitS >= 0)) throw new CcxError(`--wait ${flags.wait}: use a number of seconds ≥ 0`, {code: 'BAD_FLAG', exit: EXIT.usage})
    const path = this.dbPath(flags.db)
    const config = this.ccxConfig
    const log = (m: string) => this.progress(m)
    const {refreshPipelines, stalePipelines} = await import('./freshness.js')
    let store: Store
    if (flags.refresh) {
      store = await this.openStoreWaiting(path, {readOnly: false, waitS, mustExist: true})
      await refreshPipelines(store, config, needs, log)
    } else {
      store = await this.openStoreWaiting(path, {readOnly: true, waitS})
    }
    const missing: string[] = []
    for (const table of needs.tables) if (!(await store.tableExists(table))) missing.push(table)
    if (missing.length > 0) {
      const run = needs.pipelines.length > 0 ? `\`ccx run ${needs.pipelines.join(' ')}\`` : '`ccx run`'
      throw new CcxError(
        `${path} has no ${missing.join(', ')} yet: this report reads what ${needs.pipelines.join(', ') || 'the pipelines'} build`,
        {
          code: 'NO_TABLE',
          exit: EXIT.failure,
          suggestions: [`Load data with \`ccx ingest …\`, then build the tables with ${run} (or add --refresh).`],
        },
      )
    }
    const stale = await stalePipelines(store, config, needs)
    if (stale.length > 0) {
      const names = stale.map((s) => s.pipeline)
      // stderr even under --json (oclif's logToStderr is silent then): old numbers are never silent
      process.stderr.write(
        `stale: ${stale.map((s) => `${s.pipeline} (${s.state === 'never-run' ? 'never run' : s.state === 'failed' ? 'last run failed' : 'inputs changed'})`).join(', ')} — ` +
          `these numbers may be out of date: add --refresh or run \`ccx run ${names.join(' ')}\`\n`,
      )
    }
    return {ctx: {store, config, range, log}, stale: stale.map((s) => s.pipeline)}
  }

  /** Bad --out/--chart names are usage errors before any work. */
  protected async checkOutputs(flags: ReportFlagValues): Promise<void> {
    if (flags.out && !isHtml(flags.out)) (await import('../reports/output.js')).tableFormatOf(flags.out)
    if (flags.chart) (await import('../charts/render.js')).chartFormatOf(flags.chart)
  }

  /** Table (or CSV) on stdout, --out and --chart files, notes on stderr. */
  protected async present<R extends object>(
    result: R,
    report: Pick<Report<never, R>, 'id' | 'rows' | 'text' | 'charts' | 'notes' | 'page'> & {title?: string},
    flags: ReportFlagValues,
    store?: Store,
  ): Promise<void> {
    const rows = report.rows(result)
    if (flags.csv) {
      const {toCsv} = await import('../reports/output.js')
      this.log(toCsv(rows).trimEnd())
    } else if (!this.jsonEnabled()) {
      this.printBlocks(report.text ? report.text(result) : [{rows}])
    }
    if (flags.out && isHtml(flags.out)) {
      await this.writePage(result, report, flags)
    } else if (flags.out) {
      const {writeTableFile} = await import('../reports/output.js')
      await writeTableFile(rows, flags.out, store)
      this.progress(`wrote ${rows.length} rows to ${flags.out}`)
    }
    if (flags.chart) {
      const [spec] = report.charts(result)
      if (!spec) throw new CcxError(`${report.id} has no chart`, {code: 'NO_CHART', exit: EXIT.usage})
      const {writeChart} = await import('../charts/render.js')
      await writeChart(spec, flags.chart)
      this.progress(`wrote chart ${flags.chart}`)
    }
    for (const note of report.notes?.(result) ?? []) this.progress(note)
  }

  /** --out FILE.html: the report's page for this result, self-contained (inline PNG charts, no script, no network). */
  private async writePage<R extends object>(
    result: R,
    report: Pick<Report<never, R>, 'id' | 'rows' | 'charts' | 'page'> & {title?: string},
    flags: ReportFlagValues,
  ): Promise<void> {
    const {renderHtmlReport} = await import('../charts/html-report.js')
    const title = report.title ?? report.id
    const sections = report.page
      ? report.page(result)
      : [{title, charts: report.charts(result), tables: [{title, rows: report.rows(result)}]}]
    const range = this.reportRange(flags)
    const rangeText = range.from || range.to ? `${range.from ?? '…'} – ${range.to ?? '…'}` : 'all data'
    const built = await renderHtmlReport([{source: report.id, sections}], {title: `ccx · ${title}`, rangeText})
    mkdirSync(dirname(flags.out!), {recursive: true})
    writeFileSync(flags.out!, built.html)
    this.progress(`wrote ${flags.out}`)
  }

  protected printBlocks(blocks: Array<{title?: string; lines?: string[]; rows?: Row[]; columns?: string[]}>): void {
    blocks.forEach((b, i) => {
      if (i > 0) this.log('')
      if (b.title) this.log(b.title)
      for (const line of b.lines ?? []) this.log(line)
      if (b.rows) this.table(b.rows, b.columns)
    })
  }
}
