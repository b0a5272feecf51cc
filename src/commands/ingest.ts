import {Args, Flags} from '@oclif/core'
import {DataCommand} from '../cli/base-command.js'
import {CcxError, EXIT} from '../errors.js'
import type {IngestResult} from '../ingest/service.js'

const SOURCES = ['probe', 'calls', 'chats', 'transcripts', 'leads', 'orders'] as const

export default class Ingest extends DataCommand<typeof Ingest> {
  static description = `Load probe events, calls, chats, transcripts, leads or orders into the database.

CSV/TSV (UTF-8 with or without BOM, GBK/GB18030 detected), NDJSON/JSON, Parquet, and for probe also web-server
access logs of beacon requests. Each file loads in one transaction; rows already loaded (same natural key) are
skipped; bad rows go to the quarantine table with file, line, field and reason. Formats: docs/formats.md.`
  static examples = [
    '<%= config.bin %> ingest probe logs/probe_events.csv',
    '<%= config.bin %> ingest probe /var/log/nginx/access.log*',
    '<%= config.bin %> ingest calls cdr.csv --map call_id=呼叫编号,phone=主叫号码,offered_at=振铃时间 --ts-format "%Y/%m/%d %H:%M:%S"',
    '<%= config.bin %> ingest chats exports/ --json',
    '<%= config.bin %> ingest probe --from-log /var/lib/ccx/segments',
  ]
  static strict = false
  static args = {
    source: Args.string({description: 'what the files hold', required: true, options: [...SOURCES]}),
    paths: Args.string({description: 'files, directories or globs'}),
  }
  static flags = {
    map: Flags.string({description: 'column mapping field=column[,field=column...] (repeatable)', multiple: true}),
    'map-file': Flags.string({description: 'mapping file: JSON {"field": "column"} or lines field=column'}),
    'ts-format': Flags.string({description: 'timestamp format: strptime (e.g. "%Y/%m/%d %H:%M:%S"), epoch or epoch_ms'}),
    encoding: Flags.string({description: 'input encoding (utf-8, gbk, gb18030, utf-16le, ...); default: detected'}),
    format: Flags.string({
      description: 'input format; default: from extension and content',
      options: ['csv', 'tsv', 'ndjson', 'json', 'parquet', 'access-log'],
    }),
    delimiter: Flags.string({description: 'CSV delimiter; default: detected from the header'}),
    'from-log': Flags.string({description: 'probe: also load the closed segments of `ccx serve` in this folder (docs/serve.md)'}),
    'keep-contacts': Flags.boolean({description: 'also store raw phone/email/WeChat values (contacts_raw); default: only masked + sha256'}),
    'max-bad': Flags.string({
      description: 'largest quarantined share before exit status 3, as 0.01 or 1% [config ingest.maxBad, default 1%]',
    }),
  }

  async run(): Promise<IngestResult> {
    const {args, argv, flags} = await this.parse(Ingest)
    const paths = (argv as string[]).slice(1)
    if (flags['from-log']) {
      if (args.source !== 'probe')
        throw new CcxError('--from-log holds probe events: use ccx ingest probe --from-log DIR', {code: 'BAD_FLAG', exit: EXIT.usage})
      const {closedSegments} = await import('../serve/segment-log.js')
      const segments = closedSegments(flags['from-log'])
      if (segments.length === 0 && paths.length === 0) {
        this.progress(`no closed segments in ${flags['from-log']}: nothing to load`)
        return {
          source: 'probe',
          files: [],
          totals: {read: 0, loaded: 0, duplicate: 0, quarantined: 0},
          badShare: 0,
          maxBad: this.ccxConfig.config.ingest.maxBad,
          tooManyBad: false,
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
    const {parseMapArgs, readMapFile} = await import('../ingest/mapping.js')
    const config = this.ccxConfig.config
    const map = {...(flags['map-file'] ? readMapFile(flags['map-file']) : {}), ...parseMapArgs(flags.map ?? [])}
    const maxBad = flags['max-bad'] === undefined ? config.ingest.maxBad : parseShare(flags['max-bad'])
    const store = await this.openStore(this.dbPath(flags.db))
    const bar = process.stderr.isTTY && !this.jsonEnabled() ? new ProgressBar() : undefined
    let result: IngestResult
    try {
      result = await ingestFiles(store, {
        source: args.source as (typeof SOURCES)[number],
        paths,
        map,
        tsFormat: flags['ts-format'],
        encoding: flags.encoding,
        format: flags.format as never,
        delimiter: flags.delimiter === '\\t' ? '\t' : flags.delimiter,
        keepContacts: flags['keep-contacts'] || config.ingest.keepContacts,
        ipMode: config.privacy.ip,
        maxBad,
        timezone: config.timezone,
        onProgress: bar ? (p) => bar.update(p.file, p.bytesDone, p.bytesTotal) : undefined,
      })
    } finally {
      bar?.done()
    }
    if (!this.jsonEnabled()) {
      const rows = result.files.map((f) => ({
        file: f.file,
        format: f.format,
        encoding: f.encoding,
        read: f.read,
        loaded: f.loaded,
        duplicate: f.duplicate,
        quarantined: f.quarantined,
        note: f.skipped ? 'already ingested' : '',
      }))
      if (result.files.length > 1) rows.push({file: 'total', format: '', encoding: '', ...result.totals, note: ''})
      this.logToStderr(formatSummary(rows))
      if (result.totals.quarantined > 0)
        this.logToStderr(
          `quarantined rows: select * from quarantine where ingest_id in (${result.files
            .map((f) => f.ingestId)
            .filter(Boolean)
            .join(', ')})`,
        )
    }
    if (result.tooManyBad) {
      this.logToStderr(
        `error: ${(result.badShare * 100).toFixed(2)}% of rows were quarantined, more than --max-bad ${(maxBad * 100).toFixed(2)}% (the good rows were loaded)`,
      )
      process.exitCode = EXIT.tooManyBadRows
    }
    return result
  }
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
  const cols = ['file', 'format', 'encoding', 'read', 'loaded', 'duplicate', 'quarantined', 'note']
  const cells = rows.map((r) => cols.map((c) => String(r[c] ?? '')))
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)))
  const line = (r: string[]) =>
    r
      .map((v, i) => (i >= 3 && i <= 6 ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
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
