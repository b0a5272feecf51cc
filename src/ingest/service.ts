import {createHash} from 'node:crypto'
import {closeSync, createReadStream, createWriteStream, openSync, readSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {pipeline} from 'node:stream/promises'
import {CcxError, EXIT} from '../errors.js'
import {readSql, renderSql, type Store} from '../store/store.js'
import {sqlString as q} from '../store/values.js'
import {SOURCES, type SourceName, type SourceSpec} from '../vocab/sources.js'
import {CALL_OUTCOMES, UNRESOLVED_OUTCOMES} from '../vocab/values.js'
import {
  detectDelimiter,
  detectEncoding,
  detectEncodingSampled,
  detectFormat,
  firstLine,
  readHead,
  splitCsvLine,
  type InputFormat,
} from './detect.js'
import {isTelephonyFormat, prepareTelephony, type TelephonyFormat} from './formats/index.js'
import {needsNormalizing, normalizeLineEndings, scanLineEndings} from './lineends.js'
import {readRawLines} from './lines.js'
import {loadCsv, OFFSET_TS_RE, type CsvInput, type LoadCounts} from './load.js'
import {checkMapping, emptyMapping, mergeMappings, type Mapping, type Resolution, type ResolvedColumns} from './mapping.js'
import {checkNotEmpty, expandPaths} from './paths.js'
import {topReasons, type ReasonSummary} from './quarantine.js'
import {MAX_LINE_BYTES, RAW_CUT, writeCanonicalCsv, type JsQuarantineRow} from './readers.js'
import {protectProbeRows} from './privacy.js'
import {fsError, sniffFile} from './sniff.js'
import type {IpMode} from '../privacy/ip.js'
import {makeTempDir, sweepStaleTempDirs} from './tmp.js'

export interface IngestOptions {
  source: SourceName
  paths: string[]
  /** How fields get their values (docs/formats.md "Column mapping"); default: columns matched by name. */
  mapping?: Mapping
  /** strptime format (e.g. `%Y/%m/%d %H:%M:%S`), or `epoch` / `epoch_ms`, for every timestamp field. */
  tsFormat?: string
  /** Force an input encoding (utf-8, gbk, gb18030, utf-16le...); default: detected. */
  encoding?: string
  /** Force an input format, or name a telephony log format; default: detected from extension and content. */
  format?: InputFormat | TelephonyFormat
  /** Force the CSV delimiter; default: detected from the header. */
  delimiter?: string
  keepContacts?: boolean
  /** What is stored of a visitor's address (config privacy.ip). */
  ipMode?: IpMode
  /** Largest acceptable quarantined share (0..1); default 0.01. */
  maxBad?: number
  /** Time zone for epoch timestamps and UTC offsets (default Asia/Shanghai). */
  timezone?: string
  /** Do everything, report it, write nothing. */
  dryRun?: boolean
  /** Load a file again with this mapping: the rows of its earlier loads go, in the same transaction. */
  replace?: boolean
  onProgress?: (p: {file: string; bytesDone: number; bytesTotal: number}) => void
}

export interface FieldResolution {
  field: string
  how: Resolution
  /** The column, expression, constant or date + time it comes from. */
  from: string | null
  origin: string | null
}

export interface FileSummary extends LoadCounts {
  file: string
  format: string
  encoding: string
  /** loaded; rejected (every row refused: not ingested, run again to load it); skipped (same content loaded before). */
  status: 'loaded' | 'rejected' | 'skipped'
  /** Same content was ingested before for this source: nothing read again. */
  skipped?: boolean
  ingestId?: number
  /** filtered rows by filter name. */
  filters: Record<string, number>
  /** What the user should know: rewritten line endings, replaced loads, why a file was skipped. */
  notes: string[]
  /** Most frequent quarantine reasons of this file, with what to try. */
  reasons: ReasonSummary[]
  /** queue_log: agent state intervals loaded into raw_agent_states. */
  agentStates?: {loaded: number; duplicate: number; quarantined: number}
  /** --dry-run: how each field resolved and the first rows as they would be stored. */
  preview?: {fields: FieldResolution[]; rows: Array<Record<string, unknown>>}
}

export interface IngestResult {
  source: SourceName
  dryRun: boolean
  files: FileSummary[]
  totals: LoadCounts
  /** quarantined / read over all files (0 when nothing was read). */
  badShare: number
  maxBad: number
  tooManyBad: boolean
  /** Most frequent quarantine reasons over all files. */
  reasons: ReasonSummary[]
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
 * A warning when loaded calls carry outcomes the resolution rate does not know: they count as resolved, which is
 * wrong when the column means something else (a file's own disposition codes matched to `outcome` by name).
 */
async function unknownOutcomes(store: Store, ingestId: number): Promise<string | null> {
  const sql = renderSql(readSql(import.meta.url, 'unknown_outcomes.sql'), {known: CALL_OUTCOMES.map(q).join(', ')})
  const rows = await store.all<{outcome: string; n: number}>(sql, {id: ingestId})
  if (rows.length === 0) return null
  const total = rows.reduce((a, r) => a + r.n, 0)
  const top =
    rows
      .slice(0, 5)
      .map((r) => `${r.outcome} ${r.n}`)
      .join(', ') + (rows.length > 5 ? `, … ${rows.length - 5} more` : '')
  return (
    `warning: ${total} call${total === 1 ? ' has' : 's have'} an outcome ccx does not know (${top}): an answered call counts as ` +
    `resolved unless its outcome is ${UNRESOLVED_OUTCOMES.join(' or ')} (docs/metrics.md). If the column is not a resolution ` +
    `outcome, leave it out (--map outcome=, or "outcome": null); otherwise map its codes ({"outcome": {"column": ..., ` +
    `"values": {${JSON.stringify(rows[0]!.outcome)}: "<${CALL_OUTCOMES.join('|')}>"}}}); then ingest the file again with --replace`
  )
}

/** Thrown inside a dry run's transaction to roll it back, carrying what the run found. */
class DryRun extends Error {
  constructor(readonly summary: FileSummary) {
    super('dry run')
  }
}

const emptyCounts = (): LoadCounts => ({read: 0, loaded: 0, duplicate: 0, quarantined: 0, filtered: 0, flagged: 0})

/**
 * Loads files into the raw_* tables of one source. Each file is one transaction (its rows, its ingest_files row and
 * its quarantine rows commit together or not at all), so a crash or kill mid-file leaves nothing of it; re-running
 * loads it whole. Natural keys make repeats and overlaps harmless. A dry run does the same work and rolls it back.
 */
export async function ingestFiles(store: Store, options: IngestOptions): Promise<IngestResult> {
  const spec = SOURCES[options.source]
  if (!spec) throw new CcxError(`unknown source ${options.source}`, {code: 'BAD_SOURCE', exit: EXIT.usage})
  const mapping = mergeMappings(options.mapping ?? emptyMapping(), {...emptyMapping(), tsFormat: options.tsFormat})
  checkMapping(mapping, spec)
  if (isTelephonyFormat(options.format) && spec.name !== 'calls')
    throw new CcxError(`--format ${options.format} holds calls: use ccx ingest calls --format ${options.format} FILE`, {
      code: 'BAD_FLAG',
      exit: EXIT.usage,
    })
  const files = expandPaths(options.paths)
  sweepStaleTempDirs()
  const maxBad = options.maxBad ?? 0.01
  await store.run(readSql(import.meta.url, 'contacts.sql'))
  if (options.onProgress) await store.run('set enable_progress_bar = true; set enable_progress_bar_print = false')
  // Bounded memory for big files: order of raw rows does not matter, and DuckDB spills past the limit.
  await store.run('set preserve_insertion_order = false')
  const zone = String(await store.scalar(`select current_setting('TimeZone')`))
  await store.run(`set TimeZone = ${q(options.timezone ?? 'Asia/Shanghai')}`)
  // DuckDB's memory limit is the store's (config store.memoryLimit, set when the command opened it): one setting
  // governs ingest and the pipelines alike
  const summaries: FileSummary[] = []
  try {
    for (const file of files) summaries.push(await ingestOne(store, file, spec, mapping, options))
  } finally {
    await store.run('reset preserve_insertion_order').catch(() => {})
    await store.run(`set TimeZone = ${q(zone)}`).catch(() => {})
  }
  const totals = emptyCounts()
  for (const s of summaries) for (const k of Object.keys(totals) as Array<keyof LoadCounts>) totals[k] += s[k]
  const badShare = totals.read > 0 ? totals.quarantined / totals.read : 0
  const reasons = mergeReasons(summaries.flatMap((s) => s.reasons))
  return {
    source: options.source,
    dryRun: Boolean(options.dryRun),
    files: summaries,
    totals,
    badShare,
    maxBad,
    tooManyBad: badShare > maxBad,
    reasons,
  }
}

/** The same reason in several files adds up; the first file's line and value stand for it. */
function mergeReasons(list: ReasonSummary[]): ReasonSummary[] {
  const byKey = new Map<string, ReasonSummary>()
  for (const r of list) {
    const key = `${r.code}\u0000${r.field ?? ''}`
    const seen = byKey.get(key)
    if (seen) seen.count += r.count
    else byKey.set(key, {...r})
  }
  return [...byKey.values()].sort((a, b) => b.count - a.count).slice(0, 5)
}

/** Tables a load of this source may write (queue_log calls also bring agent states). */
function tablesOf(spec: SourceSpec): string[] {
  return spec.name === 'calls' ? [...spec.tables, 'raw_agent_states'] : spec.tables
}

async function ingestOne(store: Store, file: string, spec: SourceSpec, userMapping: Mapping, options: IngestOptions): Promise<FileSummary> {
  const telephony = isTelephonyFormat(options.format) ? options.format : undefined
  const sniffed = sniffFile(file, !telephony)
  const headerless = telephony !== undefined && telephony !== 'freeswitch-cdr-json'
  checkNotEmpty(file, headerless)
  const size = statSync(file).size
  let fingerprint: string
  try {
    fingerprint = fingerprintFile(file)
  } catch (error) {
    throw fsError(file, error)
  }
  const shown = file
  const abs = resolve(file)
  const notes: string[] = []
  const previous = await store.all<{
    ingest_id: number
    status: string
    rows_loaded: number
    rows_duplicate: number
    rows_quarantined: number
    format: string
    encoding: string
    fingerprint: string
  }>(
    `select ingest_id, coalesce(status, 'loaded') as status, rows_loaded, rows_duplicate, rows_quarantined, format, encoding, fingerprint
     from ingest_files where source = $s and (fingerprint = $f or path = $p) and finished_at is not null and coalesce(status, 'loaded') <> 'replaced'
     order by ingest_id`,
    {s: spec.name, f: fingerprint, p: abs},
  )
  const same = previous.find((p) => p.fingerprint === fingerprint && p.status === 'loaded')
  if (same && !options.replace) {
    const again = Number(same.rows_loaded) + Number(same.rows_duplicate)
    options.onProgress?.({file: shown, bytesDone: size, bytesTotal: size})
    const bad = Number(same.rows_quarantined)
    return {
      file: shown,
      format: same.format,
      encoding: same.encoding ?? 'utf-8',
      status: 'skipped',
      ...emptyCounts(),
      read: again,
      duplicate: again,
      skipped: true,
      filters: {},
      reasons: [],
      notes: [
        `already ingested (ingest ${same.ingest_id}${bad > 0 ? `, ${bad} rows quarantined` : ''}): nothing read again; to load it again with other flags or mapping, add --replace`,
      ],
    }
  }
  const replaced = options.replace
    ? previous.map((p) => Number(p.ingest_id))
    : previous.filter((p) => p.status === 'rejected').map((p) => Number(p.ingest_id))
  const head = readHead(file)
  let guess = options.encoding
    ? {encoding: normalizeEncoding(options.encoding), bom: false}
    : sniffed.encoding
      ? {encoding: sniffed.encoding, bom: false}
      : detectEncoding(head)
  if (!options.encoding && !sniffed.encoding && guess.encoding === 'utf-8' && !guess.bom) guess = detectEncodingSampled(file, head, size)
  const format: string = telephony ?? options.format ?? detectFormat(file, head)
  const progress = (done: number) => options.onProgress?.({file: shown, bytesDone: Math.min(done, size), bytesTotal: size})
  const tmp = makeTempDir()
  try {
    let input: CsvInput
    let jsQuarantine: JsQuarantineRow[] = []
    let jsShare = 0 // fraction of the progress bar spent before DuckDB runs
    let lineSource = file
    let lineEncoding = guess.encoding
    let mapping = userMapping
    let jsFiltered: Record<string, number> = {}
    let statesInput: CsvInput | undefined
    let formatNote: string | undefined
    if (format === 'csv' || format === 'tsv' || telephony) {
      let path = file
      if (guess.encoding !== 'utf-8') {
        path = join(tmp, 'utf8.csv')
        await transcode(file, path, guess.encoding, (d) => progress(d * 0.3))
        jsShare = 0.3
      }
      const endings = scanLineEndings(path)
      if (needsNormalizing(endings)) {
        const fixed = join(tmp, 'lf.csv')
        await normalizeLineEndings(path, fixed, endings)
        path = fixed
        if (endings.crlf > 0 && endings.lf > 0)
          notes.push(`mixed line endings (${endings.crlf} CRLF, ${endings.lf} LF): read as lines either way`)
        if (endings.loneCr > 0)
          notes.push(
            endings.lf === 0 && endings.crlf === 0
              ? `CR line breaks (classic Mac): read as lines`
              : `${endings.loneCr} stray CR character${endings.loneCr > 1 ? 's' : ''} inside lines removed (first at line ${endings.firstLoneCrLine})`,
          )
      }
      const newline = endings.crlf > 0 && !needsNormalizing(endings) ? '\r\n' : '\n'
      if (telephony) {
        const prepared = await prepareTelephony(telephony, shown, path, tmp, newline, userMapping)
        input = prepared.input
        mapping = mergeMappings(prepared.mapping, userMapping)
        if (telephony === 'asterisk-queue-log') mapping.tsFormat = 'epoch'
        jsQuarantine = prepared.quarantine
        jsFiltered = prepared.filtered
        statesInput = prepared.states
        formatNote = prepared.note
        lineSource = path
        lineEncoding = 'utf-8'
      } else {
        const sample = readHead(path, 1 << 20).toString('utf8')
        const headerLine = firstLine(sample)
        const delimiter = options.delimiter ?? (format === 'tsv' ? '\t' : detectDelimiter(headerLine))
        input = {
          path,
          delimiter,
          newline,
          header: splitCsvLine(headerLine, delimiter),
          hasHeader: true,
          premapped: false,
          lineColumn: false,
          offsets: OFFSET_TS_RE.test(sample),
        }
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
        hasHeader: true,
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
        format: format as 'ndjson' | 'json' | 'access-log',
        encoding: lineEncoding,
        spec,
        mapping,
        onBytes: (d) => progress(d * 0.7),
      })
      jsQuarantine = canonical.quarantine
      input = {
        path: canonical.path,
        delimiter: ',',
        newline: '\n',
        header: canonical.header,
        hasHeader: true,
        premapped: false,
        lineColumn: true,
        offsets: OFFSET_TS_RE.test(readHead(canonical.path).toString('utf8')),
      }
      jsShare = 0.7
    }
    const encoding = guess.encoding + (guess.bom ? '-bom' : '')
    const run = async (): Promise<FileSummary> => {
      if (replaced.length > 0) {
        const ids = replaced.join(', ')
        for (const table of tablesOf(spec)) await store.run(`delete from ${table} where ingest_id in (${ids})`)
        await store.run(
          `delete from quarantine where ingest_id in (${ids}); update ingest_files set status = 'replaced' where ingest_id in (${ids})`,
        )
        notes.push(
          options.replace
            ? `replaced earlier load${replaced.length > 1 ? 's' : ''} ${ids} of this file (their rows removed)`
            : `an earlier attempt (ingest ${ids}) refused every row; its quarantine rows are replaced by this run's`,
        )
      }
      const ingestId = Number(await store.scalar(`select nextval('ingest_id_seq')`))
      await store.run(
        `insert into ingest_files (ingest_id, source, path, fingerprint, format, encoding, size_bytes, started_at, status) values ($id, $s, $p, $f, $fmt, $enc, $size, now()::TIMESTAMP, 'loaded')`,
        {id: ingestId, s: spec.name, p: abs, f: fingerprint, fmt: format, enc: encoding, size},
      )
      const base = {
        store,
        ingestId,
        file: shown,
        timezone: options.timezone ?? 'Asia/Shanghai',
        keepContacts: Boolean(options.keepContacts),
        dryRun: options.dryRun,
      }
      let counts
      try {
        counts = await loadCsv({...base, spec, mapping, onFraction: (f) => progress((jsShare + (1 - jsShare) * f) * size)}, input)
      } catch (error) {
        if (error instanceof CcxError && error.code === 'MISSING_COLUMN' && formatNote) error.suggestions.unshift(formatNote)
        throw error
      }
      const summary: FileSummary = {
        file: shown,
        format,
        encoding,
        status: 'loaded',
        ingestId,
        read: counts.read,
        loaded: counts.loaded,
        duplicate: counts.duplicate,
        quarantined: counts.quarantined,
        filtered: counts.filtered,
        flagged: counts.flagged,
        filters: counts.filters,
        notes,
        reasons: [],
      }
      for (const [name, n] of Object.entries(jsFiltered)) {
        summary.filters[name] = (summary.filters[name] ?? 0) + n
        summary.filtered += n
        summary.read += n
      }
      if (jsQuarantine.length > 0) {
        const qfile = join(tmp, 'quarantine.ndjson')
        writeFileSync(qfile, jsQuarantine.map((r) => JSON.stringify(r)).join('\n') + '\n')
        await store.run(
          `insert into quarantine (ingest_id, source, file, line, field, reason, raw, quarantined_at) select ${ingestId}, ${q(spec.name)}, ${q(shown)}, line, field, reason, raw, now()::TIMESTAMP
           from read_json(${q(qfile)}, format = 'newline_delimited', columns = {line: 'BIGINT', field: 'VARCHAR', reason: 'VARCHAR', raw: 'VARCHAR'})`,
        )
        summary.read += jsQuarantine.length
        summary.quarantined += jsQuarantine.length
      }
      if (statesInput) {
        const states = await loadCsv({...base, spec: SOURCES['agent-states'], mapping: {...emptyMapping(), tsFormat: 'epoch'}}, statesInput)
        summary.agentStates = {loaded: states.loaded, duplicate: states.duplicate, quarantined: states.quarantined}
      }
      if (spec.name === 'probe')
        await protectProbeRows(store, ingestId, {ip: options.ipMode ?? 'keep', keepContacts: Boolean(options.keepContacts)})
      if (spec.name === 'calls' && counts.loaded > 0) {
        const warning = await unknownOutcomes(store, ingestId)
        if (warning) notes.push(warning)
      }
      if (format === 'ndjson' || format === 'access-log') await restoreRawLines(store, ingestId, lineSource, lineEncoding)
      if (summary.read === 0 && !(summary.agentStates && summary.agentStates.loaded + summary.agentStates.duplicate > 0)) {
        throw new CcxError(
          `${shown}: no data rows found (${size} bytes${input.hasHeader ? `; header: ${input.header.slice(0, 8).join(', ')}` : ''})`,
          {
            code: 'NO_ROWS',
            exit: EXIT.badInput,
            suggestions: ['Check the delimiter (--delimiter) and that the file holds records after its header.'],
          },
        )
      }
      // A file whose every row was refused is not ingested: fixing the flags and running again loads it.
      if (summary.loaded + summary.duplicate + summary.filtered === 0 && summary.quarantined > 0 && !summary.agentStates?.loaded) {
        summary.status = 'rejected'
        notes.push('every row was refused: the file is not recorded as ingested; fix the mapping or flags and run again')
      }
      await store.run(
        `update ingest_files set finished_at = now()::TIMESTAMP, rows_read = $r, rows_loaded = $l, rows_duplicate = $d, rows_quarantined = $qq,
           rows_filtered = $fi, rows_flagged = $fl, status = $st where ingest_id = $id`,
        {
          r: summary.read,
          l: summary.loaded,
          d: summary.duplicate,
          qq: summary.quarantined,
          fi: summary.filtered,
          fl: summary.flagged,
          st: summary.status,
          id: ingestId,
        },
      )
      if (summary.loaded > 0 || replaced.length > 0) for (const table of spec.tables) await store.bumpTableVersion(table)
      if (summary.agentStates?.loaded || replaced.length > 0) if (spec.name === 'calls') await store.bumpTableVersion('raw_agent_states')
      summary.reasons = await topReasons(store, [ingestId])
      if (options.dryRun) {
        summary.preview = {fields: resolutionOf(spec, input, counts.resolved), rows: counts.preview ?? []}
        throw new DryRun(summary)
      }
      progress(size)
      return summary
    }
    try {
      return await store.transaction(run)
    } catch (error) {
      if (error instanceof DryRun) return error.summary
      throw error
    }
  } finally {
    rmSync(tmp, {recursive: true, force: true})
  }
}

/** How each field resolved, for --dry-run. */
function resolutionOf(spec: SourceSpec, input: CsvInput, resolved: ResolvedColumns): FieldResolution[] {
  return spec.fields.map((f) => {
    const r = resolved.fields.get(f.name)!
    const m = r.mapping
    let from: string | null = null
    if (r.column !== undefined) from = input.header[r.column]!.trim()
    if (m?.kind === 'expr') from = m.expr
    if (m?.kind === 'const') from = JSON.stringify(m.value)
    if (m?.kind === 'datetime') from = `${m.date.join(' / ')} + ${m.time.join(' / ')}${m.after ? ` (after ${m.after})` : ''}`
    if (m && (m.kind === 'column' || m.kind === 'expr') && m.values) from += ` (value map: ${Object.keys(m.values).join(', ')})`
    return {field: f.name, how: r.how, from, origin: m?.origin ?? null}
  })
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
