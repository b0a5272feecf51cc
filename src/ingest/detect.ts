import {closeSync, openSync, readSync} from 'node:fs'
import {extname} from 'node:path'

export type InputFormat = 'csv' | 'tsv' | 'ndjson' | 'json' | 'parquet' | 'access-log'
export const INPUT_FORMATS: InputFormat[] = ['csv', 'tsv', 'ndjson', 'json', 'parquet', 'access-log']

/** Reads up to `bytes` from the start of a file. */
export function readHead(path: string, bytes = 1 << 20): Buffer {
  const fd = openSync(path, 'r')
  try {
    const buf = Buffer.alloc(bytes)
    const n = readSync(fd, buf, 0, bytes, 0)
    return buf.subarray(0, n)
  } finally {
    closeSync(fd)
  }
}

/** Combined (or common) log format: host ident user [time] "request" status bytes ["referer" "agent"]. */
export const COMBINED_LOG_RE = /^(\S+) \S+ \S+ \[([^\]]+)\] "([^"]*)" (\d{3}|-) (\d+|-)(?: "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)")?/

/** Picks the format from the extension, then from the content. */
export function detectFormat(path: string, head: Buffer): InputFormat {
  const ext = extname(path.replace(/\.(gz|zst)$/i, '')).toLowerCase()
  if (ext === '.parquet' || head.subarray(0, 4).toString('latin1') === 'PAR1') return 'parquet'
  if (ext === '.tsv' || ext === '.tab') return 'tsv'
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson'
  const text = head
    .subarray(0, 64 * 1024)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart()
  if (ext === '.json') return text.startsWith('[') ? 'json' : 'ndjson'
  if (ext === '.log' || COMBINED_LOG_RE.test(text.split('\n', 1)[0] ?? '')) return 'access-log'
  if (ext === '.csv' || ext === '.txt') return 'csv'
  if (text.startsWith('[')) return 'json'
  if (text.startsWith('{')) return 'ndjson'
  return 'csv'
}

export interface EncodingGuess {
  /** iconv-lite name, or 'utf-8'. */
  encoding: string
  bom: boolean
}

/**
 * UTF-8 unless the sample is mostly invalid UTF-8 (then GB18030, a superset of GBK/GB2312 that Excel in
 * China writes). A few invalid sequences among many valid multi-byte characters are bad rows, not another
 * encoding: those lines are quarantined.
 */
export function detectEncoding(head: Buffer): EncodingGuess {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return {encoding: 'utf-8', bom: true}
  if (head[0] === 0xff && head[1] === 0xfe) return {encoding: 'utf-16le', bom: true}
  if (head[0] === 0xfe && head[1] === 0xff) return {encoding: 'utf-16be', bom: true}
  const {valid, invalid} = countUtf8(head)
  if (invalid === 0) return {encoding: 'utf-8', bom: false}
  if (valid >= invalid * 4) return {encoding: 'utf-8', bom: false}
  // Bytes GB18030 never uses (0x80, 0xFF, bad trail bytes) with as many valid UTF-8 characters: corrupt UTF-8.
  if (countGb18030Invalid(head) > 0 && valid >= invalid) return {encoding: 'utf-8', bom: false}
  return {encoding: 'gb18030', bom: false}
}

/**
 * The head of the file was plain ASCII (no multi-byte character to judge by): look at 32 slices spread over the rest
 * of the file before calling it UTF-8, so a GBK export whose Chinese text starts after the first MiB is still
 * recognised (instead of quarantining every such row as invalid UTF-8).
 */
export function detectEncodingSampled(path: string, head: Buffer, size: number): EncodingGuess {
  const first = countUtf8(head)
  if (first.valid > 0 || first.invalid > 0 || size <= head.length) return detectEncoding(head)
  const fd = openSync(path, 'r')
  try {
    const chunk = 64 * 1024
    const buf = Buffer.alloc(chunk)
    const parts: Buffer[] = []
    for (let i = 0; i < 32; i++) {
      const pos = head.length + Math.floor(((size - head.length - chunk) * i) / 31)
      const n = readSync(fd, buf, 0, chunk, Math.max(head.length, pos))
      // Start and end at a line break so no character is cut in two.
      const slice = buf.subarray(0, n)
      const from = slice.indexOf(0x0a) + 1
      const to = slice.lastIndexOf(0x0a)
      if (from > 0 && to > from) parts.push(Buffer.from(slice.subarray(from, to)))
    }
    return detectEncoding(Buffer.concat(parts))
  } finally {
    closeSync(fd)
  }
}

/** Counts valid multi-byte UTF-8 sequences and invalid bytes (a sequence cut at the end of the sample is neither). */
export function countUtf8(buf: Buffer): {valid: number; invalid: number} {
  let valid = 0
  let invalid = 0
  let i = 0
  const n = buf.length
  while (i < n) {
    const b = buf[i]!
    if (b < 0x80) {
      i++
      continue
    }
    const len = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0
    if (len === 0) {
      invalid++
      i++
      continue
    }
    if (i + len > n) break
    let ok = true
    for (let k = 1; k < len; k++) if ((buf[i + k]! & 0xc0) !== 0x80) ok = false
    if (ok) {
      valid++
      i += len
    } else {
      invalid++
      i++
    }
  }
  return {valid, invalid}
}

/** Byte sequences that are not GB18030 (1, 2 or 4 bytes); a sequence cut at the end of the sample is not counted. */
export function countGb18030Invalid(buf: Buffer): number {
  let invalid = 0
  let i = 0
  const n = buf.length
  while (i < n) {
    const b = buf[i]!
    if (b < 0x80) {
      i++
      continue
    }
    if (b === 0x80 || b === 0xff) {
      invalid++
      i++
      continue
    }
    if (i + 1 >= n) break
    const b2 = buf[i + 1]!
    if ((b2 >= 0x40 && b2 <= 0x7e) || (b2 >= 0x80 && b2 <= 0xfe)) {
      i += 2
      continue
    }
    if (b2 >= 0x30 && b2 <= 0x39) {
      if (i + 3 >= n) break
      const b3 = buf[i + 2]!
      const b4 = buf[i + 3]!
      if (b3 >= 0x81 && b3 <= 0xfe && b4 >= 0x30 && b4 <= 0x39) {
        i += 4
        continue
      }
    }
    invalid++
    i++
  }
  return invalid
}

/** Splits one CSV record (no embedded newlines) honouring double quotes. */
export function splitCsvLine(line: string, delimiter: string): string[] {
  const out: string[] = []
  let cur = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!
    if (quoted) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          cur += '"'
          i++
        } else quoted = false
      } else cur += ch
    } else if (ch === '"') quoted = true
    else if (ch === delimiter) {
      out.push(cur)
      cur = ''
    } else cur += ch
  }
  out.push(cur)
  return out
}

/** The delimiter that splits the header into the most fields (comma on a tie). */
export function detectDelimiter(headerLine: string): string {
  let best = ','
  let bestCount = 1
  for (const d of [',', '\t', ';', '|']) {
    const n = splitCsvLine(headerLine, d).length
    if (n > bestCount) {
      best = d
      bestCount = n
    }
  }
  return best
}

/** First line of a UTF-8 text sample, without BOM and line ending. */
export function firstLine(text: string): string {
  const s = text.replace(/^\uFEFF/, '')
  const nl = s.indexOf('\n')
  return (nl === -1 ? s : s.slice(0, nl)).replace(/\r$/, '')
}
