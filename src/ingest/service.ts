import {createHash} from 'node:crypto'
import {closeSync, createReadStream, createWriteStream, mkdtempSync, openSync, readSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {pipeline} from 'node:stream/promises'
import {CcxError, EXIT} from '../errors.js'
import {readSql, type Store} from '../store/store.js'
import {sqlString as q} from '../store/values.js'
import {detectDelimiter, detectEncoding, detectFormat, firstLine, readHead, splitCsvLine, type InputFormat} from './detect.js'
import {loadCsv, OFFSET_TS_RE, type CsvInput, type LoadCounts} from './load.js'
import {checkMapKeys, type ColumnMap} from './mapping.js'
import {expandPaths} from './paths.js'
import {readRawLines} from './lines.js'
import {MAX_LINE_BYTES, RAW_CUT, writeCanonicalCsv, type JsQuarantineRow} from './readers.js'
import {SOURCES, type SourceName} from './sources.js'
import {protectProbeRows} from './privacy.js'
import type {IpMode} from '../privacy/ip.js'

export interface IngestOptions {
  source: SourceName
  paths: string[]
  /** canonical field → the file's column name. */
  map?: Record<string, string>
  /** strptime format (e.g. `%Y/%m/%d %H:%M:%S`), or `epoch` / `epoch_ms`. */
  tsFormat?: string
  /** Force an input encoding (utf-8, gbk, gb18030, utf-16le...); default: detected. */
  encoding?: string
  /** Force an input format; default: detected from extension and content. */
  format?: InputFormat
  /** Force the CSV delimiter; default: detected from the header. */
  delimiter?: string
  keepContacts?: boolean
  /** What is stored of a visitor's address (config privacy.ip). */
  ipMode?: IpMode
  /** Largest acceptable quarantined share (0..1); default 0.01. */
  maxBad?: number
  /** Time zone for epoch timestamps (default Asia/Shanghai). */
  timezone?: string
  onProgress?: (p: {file: string; bytesDone: number; bytesTotal: number}) => void
}

export interface FileSummary extends LoadCounts {
  file: string
  format: string
  encoding: string
  /** Same content was ingested before for this source: nothing read again. */
  skipped?: boolean
  ingestId?: number
}

export interface IngestResult {
  source: SourceName
  files: FileSummary[]
  totals: LoadCounts
  /** quarantined / read over all files (0 when nothing was read). */
  badShare: number
  maxBad: number
  tooManyBad: boolean
}

/** Size + sha256 of the content; files over 64 MiB hash 32 spread 256 KiB samples + mtime (fast, still specific). */
export function fingerprintFile(path: string): string {
  const st = statSync(path)
  const h = createHash('sha256')
  const fd = openSync(path, 'r')
  try {
    const chunk = 256 * 1024
    const buf = Buffer.alloc(chunk)
    if (st.size <= 64 * 1024 * 1024) {
      for (let pos = 0; pos < st.size; pos += chunk) h.update(buf.subarray(0, readSync(fd, buf, 0, chunk, pos)))
      return `sha256:${h.digest('hex')}:${st.size}`
    }
    const samples = 32
    for (let i = 0; i < samples; i++) {
      const pos = Math.floor(((st.size - chunk) * i) / (samples - 1))
      h.update(buf.subarray(0, readSync(fd, buf, 0, chunk, pos)))
    }
    return `sampled-sha256:${h.digest('hex')}:${st.size}:${Math.floor(st.mtimeMs)}`
  } finally {
    closeSync(fd)
  }
}

/**
 * Loads files into the raw_* tables of one source. Each file is one transaction (its rows, its
 * ingest_files row and its quarantine rows commit together or not at all), so a crash or kill mid-file
 * leaves nothing of it; re-running loads it whole. Natural keys make repeats and overlaps harmless.
 */
export async function ingestFiles(store: Store, options: IngestOptions): Promise<IngestResult> {
  const spec = SOURCES[options.source]
  if (!spec) throw new CcxError(`unknown source ${options.source}`, {code: 'BAD_SOURCE', exit: EXIT.usage})
  const map: ColumnMap = options.map ?? {}
  checkMapKeys(map, spec)
  if (options.tsFormat && !['epoch', 'epoch_ms'].includes(options.tsFormat) && !options.tsFormat.includes('%')) {
    throw new CcxError(`--ts-format ${options.tsFormat}: give a strptime format such as %Y/%m/%d %H:%M:%S, or epoch, or epoch_ms`, {
      code: 'BAD_TS_FORMAT',
      exit: EXIT.usage,
    })
  }
  const files = expandPaths(options.paths)
  const maxBad = options.maxBad ?? 0.01
  await store.run(readSql(import.meta.url, 'contacts.sql'))
  if (options.onProgress) await store.run('set enable_progress_bar = true; set enable_progress_bar_print = false')
  // Bounded memory for big files: order of raw rows does not matter, and DuckDB spills past the limit.
  await store.run('set preserve_insertion_order = false')
  const zone = String(await store.scalar(`select current_setting('TimeZone')`))
  await store.run(`set TimeZone = ${q(options.timezone ?? 'Asia/Shanghai')}`)
  const limit = String(await store.scalar(`select current_setting('memory_limit')`))
  const lowerLimit = store.path !== ':memory:' && parseBytes(limit) > INGEST_MEMORY_LIMIT
  if (lowerLimit) await store.run(`set memory_limit = '${INGEST_MEMORY_LIMIT}B'`)
  const summaries: FileSummary[] = []
  try {
    for (const file of files) summaries.push(await ingestOne(store, file, map, options))
  } finally {
    await store.run('reset preserve_insertion_order').catch(() => {})
    await store.run(`set TimeZone = ${q(zone)}`).catch(() => {})
    if (lowerLimit) await store.run(`set memory_limit = ${q(limit)}`).catch(() => {})
  }
  const totals = {read: 0, loaded: 0, duplicate: 0, quarantined: 0}
  for (const s of summaries) {
    totals.read += s.read
    totals.loaded += s.loaded
    totals.duplicate += s.duplicate
    totals.quarantined += s.quarantined
  }
  const badShare = totals.read > 0 ? totals.quarantined / totals.read : 0
  return {source: options.source, files: summaries, totals, badShare, maxBad, tooManyBad: badShare > maxBad}
}

async function ingestOne(store: Store, file: string, map: ColumnMap, options: IngestOptions): Promise<FileSummary> {
  const spec = SOURCES[options.source]
  if (/\.(gz|zst|bz2|xz|zip|7z|rar)$/i.test(file)) {
    throw new CcxError(`${file}: compressed files are not read directly`, {
      code: 'COMPRESSED',
      exit: EXIT.badInput,
      suggestions: [`Decompress it first (e.g. gunzip -k ${file}).`],
    })
  }
  const size = statSync(file).size
  const fingerprint = fingerprintFile(file)
  const shown = file
  const previous = await store.one<{rows_loaded: number; rows_duplicate: number; format: string; encoding: string}>(
    `select rows_loaded, rows_duplicate, format, encoding from ingest_files where source = $s and fingerprint = $f and finished_at is not null limit 1`,
    {s: spec.name, f: fingerprint},
  )
  if (previous) {
    const again = Number(previous.rows_loaded) + Number(previous.rows_duplicate)
    options.onProgress?.({file: shown, bytesDone: size, bytesTotal: size})
    return {
      file: shown,
      format: previous.format,
      encoding: previous.encoding ?? 'utf-8',
      read: again,
      loaded: 0,
      duplicate: again,
      quarantined: 0,
      skipped: true,
    }
  }
  const head = readHead(file)
  const guess = options.encoding ? {encoding: normalizeEncoding(options.encoding), bom: false} : detectEncoding(head)
  const format = options.format ?? detectFormat(file, head)
  const progress = (done: number) => options.onProgress?.({file: shown, bytesDone: Math.min(done, size), bytesTotal: size})
  const tmp = mkdtempSync(join(tmpdir(), 'ccx-ingest-'))
  try {
    let input: CsvInput
    let jsQuarantine: JsQuarantineRow[] = []
    let jsShare = 0 // fraction of the progress bar spent before DuckDB runs
    let lineSource = file
    let lineEncoding = guess.encoding
    if (format === 'csv' || format === 'tsv') {
      let path = file
      if (guess.encoding !== 'utf-8') {
        path = join(tmp, 'utf8.csv')
        await transcode(file, path, guess.encoding, (d) => progress(d * 0.3))
        jsShare = 0.3
      }
      const sample = path === file ? head.toString('utf8') : readHead(path, 1 << 20).toString('utf8')
      const headerLine = firstLine(sample)
      const delimiter = options.delimiter ?? (format === 'tsv' ? '\t' : detectDelimiter(headerLine))
      const newline = /^[^\n]*\r\n/.test(sample) ? '\r\n' : '\n'
      input = {
        path,
        delimiter,
        newline,
        header: splitCsvLine(headerLine, delimiter),
        premapped: false,
        lineColumn: false,
        offsets: OFFSET_TS_RE.test(sample),
      }
    } else if (format === 'parquet') {
      const path = join(tmp, 'parquet.csv')
      await store.run(
        `copy (select file_row_number + 1 as __line, columns(* exclude (file_row_number))::VARCHAR from read_parquet(${q(file)}, file_row_number = true)) to ${q(path)} (header, delimiter ',')`,
      )
      const headerLine = firstLine(readHead(path, 1 << 16).toString('utf8'))
      input = {
        path,
        delimiter: ',',
        newline: '\n',
        header: splitCsvLine(headerLine, ','),
        premapped: false,
        lineColumn: true,
        offsets: OFFSET_TS_RE.test(readHead(path).toString('utf8')),
      }
      jsShare = 0.3
    } else {
      if (guess.encoding.startsWith('utf-16')) {
        // Lines are split on the LF byte: UTF-16 first becomes UTF-8.
        lineSource = join(tmp, 'utf8.txt')
        await transcode(file, lineSource, guess.encoding, (d) => progress(d * 0.2))
        lineEncoding = 'utf-8'
      }
      const canonical = await writeCanonicalCsv({
        path: lineSource,
        out: join(tmp, 'canonical.csv'),
        format,
        encoding: lineEncoding,
        spec,
        map,
        onBytes: (d) => progress(d * 0.7),
      })
      jsQuarantine = canonical.quarantine
      input = {
        path: canonical.path,
        delimiter: ',',
        newline: '\n',
        header: canonical.header,
        premapped: true,
        lineColumn: true,
        offsets: OFFSET_TS_RE.test(readHead(canonical.path).toString('utf8')),
      }
      jsShare = 0.7
    }
    const encoding = guess.encoding + (guess.bom ? '-bom' : '')
    return await store.transaction(async () => {
      const ingestId = Number(await store.scalar(`select nextval('ingest_id_seq')`))
      await store.run(
        `insert into ingest_files (ingest_id, source, path, fingerprint, format, encoding, size_bytes, started_at) values ($id, $s, $p, $f, $fmt, $enc, $size, now()::TIMESTAMP)`,
        {id: ingestId, s: spec.name, p: resolve(file), f: fingerprint, fmt: format, enc: encoding, size},
      )
      const counts = await loadCsv(
        {
          store,
          spec,
          ingestId,
          file: shown,
          map,
          tsFormat: options.tsFormat,
          timezone: options.timezone ?? 'Asia/Shanghai',
          keepContacts: Boolean(options.keepContacts),
          onFraction: (f) => progress((jsShare + (1 - jsShare) * f) * size),
        },
        input,
      )
      if (jsQuarantine.length > 0) {
        const qfile = join(tmp, 'quarantine.ndjson')
        writeFileSync(qfile, jsQuarantine.map((r) => JSON.stringify(r)).join('\n') + '\n')
        await store.run(
          `insert into quarantine select ${ingestId}, ${q(spec.name)}, ${q(shown)}, line, field, reason, raw, now()::TIMESTAMP
           from read_json(${q(qfile)}, format = 'newline_delimited', columns = {line: 'BIGINT', field: 'VARCHAR', reason: 'VARCHAR', raw: 'VARCHAR'})`,
        )
        counts.read += jsQuarantine.length
        counts.quarantined += jsQuarantine.length
      }
      if (spec.name === 'probe')
        await protectProbeRows(store, ingestId, {ip: options.ipMode ?? 'keep', keepContacts: Boolean(options.keepContacts)})
      if (format === 'ndjson' || format === 'access-log') await restoreRawLines(store, ingestId, lineSource, lineEncoding)
      await store.run(
        `update ingest_files set finished_at = now()::TIMESTAMP, rows_read = $r, rows_loaded = $l, rows_duplicate = $d, rows_quarantined = $qq where ingest_id = $id`,
        {r: counts.read, l: counts.loaded, d: counts.duplicate, qq: counts.quarantined, id: ingestId},
      )
      if (counts.loaded > 0) for (const table of spec.tables) await store.bumpTableVersion(table)
      progress(size)
      return {file: shown, format, encoding, ingestId, ...counts}
    })
  } finally {
    rmSync(tmp, {recursive: true, force: true})
  }
}

/**
 * Rows DuckDB rejected from a canonical temp file carry that file's text; put the user's original line
 * (found by its line number) in `raw` instead. Skipped when there are very many.
 */
async function restoreRawLines(store: Store, ingestId: number, file: string, encoding: string): Promise<void> {
  const rows = await store.all<{line: number}>(`select distinct line from quarantine where ingest_id = $id and line is not null`, {
    id: ingestId,
  })
  if (rows.length === 0 || rows.length > 10_000) return
  const wanted = new Set(rows.map((r) => Number(r.line)))
  const iconv = encoding === 'utf-8' ? undefined : (await import('iconv-lite')).default
  const found: Array<{line: number; raw: string}> = []
  for await (const l of readRawLines(file, MAX_LINE_BYTES)) {
    if (!wanted.has(l.line)) continue
    const bytes = l.bytes.subarray(0, RAW_CUT)
    found.push({line: l.line, raw: iconv ? iconv.decode(bytes, encoding) : bytes.toString('utf8')})
    if (found.length === wanted.size) break
  }
  for (const f of found)
    await store.run(`update quarantine set raw = $raw where ingest_id = $id and line = $line`, {raw: f.raw, id: ingestId, line: f.line})
}

const INGEST_MEMORY_LIMIT = 1024 * 1024 * 1024

/** DuckDB's memory_limit text ('17.9 GiB', '953.6 MiB') → bytes. */
function parseBytes(s: string): number {
  const m = /^([\d.]+)\s*([KMGT]?i?B)?/i.exec(s.trim())
  if (!m) return Number.POSITIVE_INFINITY
  const unit = (m[2] ?? 'B').toUpperCase().replace('I', '')
  const mult = {B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4}[unit] ?? 1
  return Number(m[1]) * mult
}

function normalizeEncoding(e: string): string {
  const n = e.toLowerCase().replace(/_/g, '-')
  return n === 'utf8' || n === 'utf-8-bom' ? 'utf-8' : n
}

/** Any iconv-lite encoding → UTF-8, streaming (no whole file in memory). */
async function transcode(from: string, to: string, encoding: string, onBytes: (done: number) => void): Promise<void> {
  const iconv = (await import('iconv-lite')).default
  if (!iconv.encodingExists(encoding)) {
    throw new CcxError(`unknown encoding ${encoding}`, {
      code: 'BAD_ENCODING',
      exit: EXIT.usage,
      suggestions: ['Use utf-8, gbk, gb18030, big5 or utf-16le.'],
    })
  }
  let done = 0
  const input = createReadStream(from, {highWaterMark: 1 << 20})
  input.on('data', (c) => {
    done += c.length
    onBytes(done)
  })
  await pipeline(input, iconv.decodeStream(encoding), iconv.encodeStream('utf8'), createWriteStream(to))
}
