import {closeSync, openSync, readSync, statSync} from 'node:fs'
import {CcxError, EXIT} from '../errors.js'

/**
 * What a file is before any parser sees it: readable at all (permissions, symlink loops), a binary or compressed
 * file named like a CSV, or UTF-16 text without a byte-order mark. Every refusal is exit 5 naming the file.
 */

const bad = (message: string, suggestions: string[] = []) => new CcxError(message, {code: 'BAD_INPUT', exit: EXIT.badInput, suggestions})

/** A file-system error as the user should read it. */
export function fsError(path: string, error: unknown): CcxError {
  const code = (error as NodeJS.ErrnoException)?.code
  switch (code) {
    case 'ENOENT':
      return bad(`file not found: ${path}`, ['Check the path; globs must match at least one file.'])
    case 'ELOOP':
      return bad(`${path}: a symbolic link loop (the link points back to itself)`, [
        'Point the link at the real file, or give the real path.',
      ])
    case 'EACCES':
    case 'EPERM':
      return bad(`${path}: permission denied (cannot read it)`, [`Give the user running ccx read access (e.g. chmod o+r ${path}).`])
    case 'EISDIR':
      return bad(`${path} is a directory`)
    case 'ENOTDIR':
      return bad(`${path}: a part of the path is not a directory`)
    default:
      return bad(`${path}: cannot read it (${code ?? (error as Error)?.message ?? String(error)})`)
  }
}

/** Opens and reads the first bytes: proves the file is readable, or throws the translated error. */
export function readStart(path: string, bytes = 64 * 1024): Buffer {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch (error) {
    throw fsError(path, error)
  }
  try {
    const buf = Buffer.alloc(bytes)
    const n = readSync(fd, buf, 0, bytes, 0)
    return buf.subarray(0, n)
  } catch (error) {
    throw fsError(path, error)
  } finally {
    closeSync(fd)
  }
}

const MAGIC: Array<{bytes: number[]; what: string; hint: string}> = [
  {bytes: [0x1f, 0x8b], what: 'a gzip file', hint: 'Decompress it first (gunzip -k FILE).'},
  {bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a zip archive (or an .xlsx workbook)', hint: 'Unzip it, or save the sheet as CSV (UTF-8).'},
  {bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image', hint: 'Give the data export, not a picture of it.'},
  {bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image', hint: 'Give the data export, not a picture of it.'},
  {bytes: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document', hint: 'Export the data as CSV instead.'},
  {bytes: [0xd0, 0xcf, 0x11, 0xe0], what: 'an Excel 97–2003 workbook (.xls)', hint: 'Save the sheet as CSV (UTF-8) first.'},
  {bytes: [0x42, 0x5a, 0x68], what: 'a bzip2 file', hint: 'Decompress it first (bunzip2 -k FILE).'},
  {bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: 'an xz file', hint: 'Decompress it first (unxz -k FILE).'},
  {bytes: [0x28, 0xb5, 0x2f, 0xfd], what: 'a zstd file', hint: 'Decompress it first (unzstd FILE).'},
  {bytes: [0x37, 0x7a, 0xbc, 0xaf], what: 'a 7z archive', hint: 'Extract it first.'},
  {bytes: [0x7f, 0x45, 0x4c, 0x46], what: 'a program (ELF)', hint: 'Check the path.'},
  {bytes: [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65], what: 'an SQLite database', hint: 'Export the table as CSV.'},
]

/** UTF-16 without BOM: ASCII text has a zero in every other byte. */
function utf16Guess(head: Buffer): 'utf-16le' | 'utf-16be' | undefined {
  const n = Math.min(head.length, 4096) & ~1
  if (n < 8) return undefined
  let evenZero = 0
  let oddZero = 0
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0) evenZero++
    if (head[i + 1] === 0) oddZero++
  }
  const pairs = n / 2
  if (oddZero > pairs * 0.4 && evenZero < pairs * 0.05) return 'utf-16le'
  if (evenZero > pairs * 0.4 && oddZero < pairs * 0.05) return 'utf-16be'
  return undefined
}

export interface Sniffed {
  /** An encoding the content shows (UTF-16 without BOM); undefined: decide from the text. */
  encoding?: string
}

/**
 * Refuses what is not text (compressed, images, documents, programs, runs of NUL bytes such as a sparse file) before
 * any parser reads it, and recognises UTF-16 without a byte-order mark. `path` is named in every message.
 */
export function sniffFile(path: string, parquetOk: boolean): Sniffed {
  let st
  try {
    st = statSync(path)
  } catch (error) {
    throw fsError(path, error)
  }
  if (st.isDirectory()) throw bad(`${path} is a directory`)
  const head = readStart(path)
  if (parquetOk && head.subarray(0, 4).toString('latin1') === 'PAR1') return {}
  for (const m of MAGIC) {
    if (m.bytes.every((b, i) => head[i] === b)) throw bad(`${path} is ${m.what}, not a text export`, [m.hint])
  }
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) return {}
  const utf16 = utf16Guess(head)
  if (utf16) return {encoding: utf16}
  const nul = head.indexOf(0)
  if (nul !== -1) {
    const zeros = head.reduce((n, b) => n + (b === 0 ? 1 : 0), 0)
    throw bad(
      `${path} holds binary data (${zeros} NUL bytes in its first ${head.length} bytes, the first at byte ${nul + 1})${zeros === head.length ? ': it is all zeros (a sparse or truncated file?)' : ''}`,
      ['Give a text export (CSV, TSV, NDJSON), or name the encoding with --encoding if it is UTF-16/32 text.'],
    )
  }
  return {}
}
