import {Args, Flags} from '@oclif/core'
import {existsSync} from 'node:fs'
import {DataCommand} from '../cli/base-command.js'
import {CcxError, EXIT} from '../errors.js'
import type {IngestResult} from '../ingest/service.js'
import {SOURCE_NAMES} from '../vocab/sources.js'

const FORMATS = [
  'csv',
  'tsv',
  'ndjson',
  'json',
  'parquet',
  'access-log',
  'asterisk-queue-log',
  'asterisk-cdr',
  'freeswitch-cdr',
  'freeswitch-cdr-csv',
  'freeswitch-cdr-json',
]

export default class Ingest extends DataCommand<typeof Ingest> {
  static description = `Load probe events, calls, chats, transcripts, leads, orders, agent states or survey answers into the database.

CSV/TSV (UTF-8 with or without BOM, GBK/GB18030 and UTF-16 detected), NDJSON/JSON, Parquet, for probe also web-server
access logs, for calls Asterisk queue_log / CDR and FreeSWITCH CDRs (--format). A mapping file maps a real export
as it is: columns, expressions, constants, date + time columns, null markers, value maps, row filters. Each file loads
in one transaction; rows already loaded (same natural key) are skipped; bad rows go to the quarantine table with
file, line, field, value and reason (see ccx quarantine). Formats: docs/formats.md.`
  static examples = [
    '<%= config.bin %> ingest probe logs/probe_events.csv',
    '<%= config.bin %> ingest probe /var/log/nginx/access.log*',
    '<%= config.bin %> ingest calls cdr.csv --map call_id=呼叫编号,phone=主叫号码,offered_at=振铃时间 --ts-format "%Y/%m/%d %H:%M:%S"',
    '<%= config.bin %> ingest calls bank.tsv --map-file bank.map.json --dry-run',
    '<%= config.bin %> ingest calls /var/log/asterisk/queue_log --format asterisk-queue-log',
    '<%= config.bin %> ingest chats exports/ --json',
    '<%= config.bin %> ingest probe --from-log /var/lib/ccx/segments',
  ]
  static strict = false
  static args = {
    source: Args.string({description: 'what the files hold', required: true, options: [...SOURCE_NAMES]}),
    paths: Args.string({description: 'files, directories or globs'}),
  }
  static flags = {
    map: Flags.string({
      description: "field=column, field='constant', field=(SQL expression), field= (not mapped); comma-separated, repeatable",
      multiple: true,
    }),
    'map-file': Flags.string({
      description: 'mapping file: JSON (columns, expressions, constants, date+time, nulls, value maps, $skip) or lines field=column',
    }),
    'ts-format': Flags.string({description: 'timestamp format: strptime (e.g. "%Y/%m/%d %H:%M:%S"), epoch or epoch_ms'}),
    encoding: Flags.string({description: 'input encoding (utf-8, gbk, gb18030, utf-16le, ...); default: detected'}),
    format: Flags.string({description: 'input format; default: from extension and content', options: FORMATS}),
    delimiter: Flags.string({description: 'CSV delimiter; default: detected from the header'}),
    'from-log': Flags.string({description: 'probe: also load the closed segments of `ccx serve` in this folder (docs/serve.md)'}),
    'keep-contacts': Flags.boolean({description: 'also store raw phone/email/WeChat values (contacts_raw); default: only masked + sha256'}),
    'max-bad': Flags.string({
      description: 'largest quarantined share before exit status 3, as 0.01 or 1% [config ingest.maxBad, default 1%]',
    }),
    'dry-run': Flags.boolean({
      description: 'show how each field resolves, the first rows and what would be quarantined or filtered; write nothing',
    }),
    replace: Flags.boolean({description: 'load a file that was loaded before again (another mapping): its earlier rows go, atomically'}),
    wait: DataCommand.writerWaitFlag,
  }

  async run(): Promise<IngestResult> {
    const {args, argv, flags} = await this.parse(Ingest)
    const source = args.source as IngestResult['source']
    const paths = (argv as string[]).slice(1)
    if (flags['from-log']) {
      if (source !== 'probe')
        throw new CcxError('--from-log holds probe events: use ccx ingest probe --from-log DIR', {code: 'BAD_FLAG', exit: EXIT.usage})
      const {closedSegments} = await import('../serve/segment-log.js')
      const segments = closedSegments(flags['from-log'])
      if (segments.length === 0 && paths.length === 0) {
        this.progress(`no closed segments in ${flags['from-log']}: nothing to load`)
        return {
          source: 'probe',
          dryRun: Boolean(flags['dry-run']),
          files: [],
          totals: {read: 0, loaded: 0, duplicate: 0, quarantined: 0, filtered: 0, flagged: 0},
          badShare: 0,
          maxBad: this.ccxConfig.config.ingest.maxBad,
          tooManyBad: false,
          reasons: [],
        }
      }
      paths.push(...segments)
    }
    if (paths.length === 0)
      throw new CcxError('no input files given', {
        code: 'BAD_INPUT',
        exit: EXIT.badInput,
        suggestions: ['Usage: ccx ingest <source> <file|dir|glob>...'],
      })
    const {ingestFiles} = await import('../ingest/service.js')
    const {emptyMapping, mergeMappings, parseMapArgs, readMapFile} = await import('../ingest/mapping.js')
    const config = this.ccxConfig.config
    const mapping = mergeMappings(flags['map-file'] ? readMapFile(flags['map-file']) : emptyMapping(), parseMapArgs(flags.map ?? []))
    const maxBad = flags['max-bad'] === undefined ? config.ingest.maxBad : parseShare(flags['max-bad'])
    const db = this.dbPath(flags.db)
    // A dry run against a database that does not exist yet must not create it.
    const store = await this.openStoreWaiting(flags['dry-run'] && !existsSync(db) ? ':memory:' : db, {readOnly: false, waitS: flags.wait})
    const bar = process.stderr.isTTY && !this.jsonEnabled() ? new ProgressBar() : undefined
    let result: IngestResult
    try {
      result = await ingestFiles(store, {
        source,
        paths,
        mapping,
        tsFormat: flags['ts-format'],
        encoding: flags.encoding,
        format: flags.format as never,
        delimiter: flags.delimiter === '\\t' ? '\t' : flags.delimiter,
        keepContacts: flags['keep-contacts'] || config.ingest.keepContacts,
        ipMode: config.privacy.ip,
        maxBad,
        timezone: config.timezone,
        dryRun: flags['dry-run'],
        replace: flags.replace,
        onProgress: bar ? (p) => bar.update(p.file, p.bytesDone, p.bytesTotal) : undefined,
      })
    } finally {
      bar?.done()
    }
    if (!this.jsonEnabled()) this.printSummary(result)
    if (result.tooManyBad) {
      this.logToStderr(
        `error: ${(result.badShare * 100).toFixed(2)}% of rows were quarantined, more than --max-bad ${(maxBad * 100).toFixed(2)}% (${result.dryRun ? 'the good rows were not written: dry run' : result.totals.loaded > 0 ? 'the good rows were loaded' : 'no row was loaded'})`,
      )
      process.exitCode = EXIT.tooManyBadRows
    }
    return result
  }

  private printSummary(result: IngestResult): void {
    if (result.dryRun) {
      for (const f of result.files) {
        if (!f.preview) continue
        this.logToStderr(`dry run: ${f.file} (${f.format}, ${f.encoding}) — nothing is written`)
        this.logToStderr(
          formatRows(f.preview.fields.map((p) => ({field: p.field, resolved: p.how, from: p.from ?? '', origin: p.origin ?? ''}))),
        )
        if (f.preview.rows.length > 0)
          this.logToStderr('\nfirst rows as they would be stored:\n' + formatRows(f.preview.rows.map(shortRow)))
        this.logToStderr('')
      }
    }
    const rows: Array<Record<string, unknown>> = result.files.map((f) => ({
      file: f.file,
      format: f.format,
      encoding: f.encoding,
      read: f.read,
      loaded: f.loaded,
      duplicate: f.duplicate,
      quarantined: f.quarantined,
      filtered: f.filtered,
      flagged: f.flagged,
      note: f.status === 'skipped' ? 'already ingested' : f.status === 'rejected' ? 'REJECTED: not ingested' : '',
    }))
    if (result.files.length > 1) rows.push({file: 'total', format: '', encoding: '', ...result.totals, note: ''})
    this.logToStderr(formatSummary(rows))
    for (const f of result.files) {
      for (const n of f.notes) this.logToStderr(`${f.file}: ${n}`)
      for (const [name, n] of Object.entries(f.filters)) this.logToStderr(`${f.file}: filtered ${n} row${n === 1 ? '' : 's'}: ${name}`)
      if (f.flagged > 0)
        this.logToStderr(
          `${f.file}: warning: ${f.flagged} row${f.flagged === 1 ? '' : 's'} loaded with a time-order flag (answer before offer, end before answer): left out of wait and handle times (quality column)`,
        )
      if (f.agentStates)
        this.logToStderr(`${f.file}: agent states: ${f.agentStates.loaded} intervals loaded, ${f.agentStates.duplicate} already there`)
    }
    if (result.reasons.length > 0) {
      this.logToStderr('\ntop quarantine reasons:')
      for (const r of result.reasons) {
        this.logToStderr(
          `  ${r.count} × ${r.code}${r.field ? ` (${r.field})` : ''}, first at ${r.file}${r.firstLine === null ? '' : `:${r.firstLine}`}${r.value ? `, value ${JSON.stringify(r.value)}` : ''}`,
        )
        this.logToStderr(`      ${r.example.slice(0, 200)}`)
        this.logToStderr(`      try: ${r.hint}`)
      }
      const ids = result.files.map((f) => f.ingestId).filter(Boolean)
      if (!result.dryRun && ids.length > 0)
        this.logToStderr(
          `all quarantined rows: ccx quarantine show ${ids.length === 1 ? ids[0] : '<ingest id>'} (ingest ${ids.join(', ')})`,
        )
    }
  }
}

function shortRow(r: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(r)) if (v !== null && v !== undefined) out[k] = v
  return out
}

function formatRows(rows: Array<Record<string, unknown>>): string {
  if (rows.length === 0) return '(none)'
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))]
  const cell = (v: unknown) =>
    v instanceof Date
      ? v
          .toISOString()
          .replace('T', ' ')
          .replace(/\.000Z$|Z$/, '')
      : v === undefined || v === null
        ? ''
        : String(v)
  const cells = rows.map((r) => cols.map((c) => cell(r[c]).slice(0, 60)))
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)))
  const line = (r: string[]) =>
    r
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd()
  return [line(cols), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n')
}

function parseShare(s: string): number {
  const pct = s.trim().endsWith('%')
  const n = Number(pct ? s.trim().slice(0, -1) : s)
  const share = pct || n > 1 ? n / 100 : n
  if (!Number.isFinite(share) || share < 0 || share > 1)
    throw new CcxError(`--max-bad ${s}: give a share like 0.01 or 1%`, {code: 'BAD_FLAG', exit: EXIT.usage})
  return share
}

function formatSummary(rows: Record<string, unknown>[]): string {
  const cols = ['file', 'format', 'encoding', 'read', 'loaded', 'duplicate', 'quarantined', 'filtered', 'flagged', 'note']
  const cells = rows.map((r) => cols.map((c) => String(r[c] ?? '')))
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)))
  const line = (r: string[]) =>
    r
      .map((v, i) => (i >= 3 && i <= 8 ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()
  return [line(cols), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n')
}

/** One-line bar on stderr, redrawn at most 10 times a second. */
class ProgressBar {
  private last = 0
  private text = ''
  private shown = false
  update(file: string, done: number, total: number): void {
    const now = Date.now()
    if (now - this.last < 100 && done < total) return
    this.last = now
    const width = 30
    const frac = total > 0 ? Math.min(1, done / total) : 1
    const filled = Math.round(frac * width)
    const name = file.length > 40 ? '…' + file.slice(-39) : file
    const text = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% ${(done / 1048576).toFixed(0)}/${(total / 1048576).toFixed(0)} MB ${name}`
    if (text === this.text) return
    this.text = text
    process.stderr.write(`\r${text}\x1b[K`)
    this.shown = true
  }
  done(): void {
    if (this.shown) process.stderr.write('\r\x1b[K')
  }
}
