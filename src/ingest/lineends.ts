import {closeSync, createReadStream, createWriteStream, openSync, readSync} from 'node:fs'
import {once} from 'node:events'

/**
 * Line endings of a text file, counted over the whole file (DuckDB's reader takes one convention from the first line
 * and silently glues or drops rows when a file mixes them): CRLF, bare LF, and CR not followed by LF ("stray" CR
 * inside a line, or classic Mac line breaks when the file has no LF at all).
 */
export interface LineEndings {
  crlf: number
  /** Bare LF line breaks (1 stands for "some" in a file without any CR: they are not counted). */
  lf: number
  /** CR not followed by LF. */
  loneCr: number
  /** 1-based line of the first lone CR (counting LF line breaks). */
  firstLoneCrLine?: number
}

export function scanLineEndings(path: string): LineEndings {
  // Most big files have no CR at all: one native search per 4 MiB settles it (LF only; its count is not needed).
  if (!containsByte(path, 0x0d)) return {crlf: 0, lf: 1, loneCr: 0}
  const fd = openSync(path, 'r')
  const buf = Buffer.alloc(4 << 20)
  let pos = 0
  let crlf = 0
  let lf = 0
  let loneCr = 0
  let firstLoneCrLine: number | undefined
  let pendingCr = false
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, pos)
      if (n <= 0) break
      const b = buf.subarray(0, n)
      let carried = 0
      if (pendingCr) {
        if (b[0] === 0x0a) {
          crlf++
          carried = 1
        } else {
          loneCr++
          firstLoneCrLine ??= lf + crlf + 1
        }
        pendingCr = false
      }
      // LFs, then the CRs among them: indexOf is native, so a file without CR costs one pass of memchr.
      let nl = 0
      for (let i = b.indexOf(0x0a); i !== -1; i = b.indexOf(0x0a, i + 1)) nl++
      let crs = 0
      for (let i = b.indexOf(0x0d); i !== -1; i = b.indexOf(0x0d, i + 1)) {
        if (i === n - 1) {
          pendingCr = true
          break
        }
        if (b[i + 1] === 0x0a) crs++
        else {
          loneCr++
          if (firstLoneCrLine === undefined) {
            let line = lf + crlf + 1
            for (let j = b.indexOf(0x0a); j !== -1 && j < i; j = b.indexOf(0x0a, j + 1)) line++
            firstLoneCrLine = line
          }
        }
      }
      // A CRLF split across chunks: its LF (this chunk's first byte) is in nl but was counted as CRLF above.
      crlf += crs
      lf += nl - crs - carried
      pos += n
    }
    if (pendingCr) {
      loneCr++
      firstLoneCrLine ??= lf + crlf + 1
    }
  } finally {
    closeSync(fd)
  }
  return {crlf, lf, loneCr, firstLoneCrLine}
}

function containsByte(path: string, byte: number): boolean {
  const fd = openSync(path, 'r')
  const buf = Buffer.alloc(4 << 20)
  try {
    for (let pos = 0; ;) {
      const n = readSync(fd, buf, 0, buf.length, pos)
      if (n <= 0) return false
      if (buf.subarray(0, n).indexOf(byte) !== -1) return true
      pos += n
    }
  } finally {
    closeSync(fd)
  }
}

/** Mixed CRLF and LF, or any lone CR: the file is rewritten before DuckDB reads it. */
export function needsNormalizing(e: LineEndings): boolean {
  return e.loneCr > 0 || (e.crlf > 0 && e.lf > 0)
}

/**
 * Rewrites a file with LF line breaks only, keeping every line where it was: CRLF → LF; a lone CR is dropped (a stray
 * control character inside a line), or becomes LF when the file has no LF at all (classic Mac line breaks).
 */
export async function normalizeLineEndings(from: string, to: string, e: LineEndings): Promise<void> {
  const crIsBreak = e.lf === 0 && e.crlf === 0
  const out = createWriteStream(to)
  let pendingCr = false
  for await (const chunk of createReadStream(from, {highWaterMark: 1 << 20}) as AsyncIterable<Buffer>) {
    const parts: Buffer[] = []
    let start = 0
    if (pendingCr) {
      if (chunk[0] !== 0x0a && crIsBreak) parts.push(Buffer.from([0x0a]))
      pendingCr = false
    }
    for (let i = chunk.indexOf(0x0d); i !== -1; i = chunk.indexOf(0x0d, i + 1)) {
      parts.push(chunk.subarray(start, i))
      start = i + 1
      if (i === chunk.length - 1) pendingCr = true
      else if (chunk[i + 1] !== 0x0a && crIsBreak) parts.push(Buffer.from([0x0a]))
    }
    parts.push(chunk.subarray(start))
    if (!out.write(Buffer.concat(parts))) await once(out, 'drain')
  }
  if (pendingCr && crIsBreak) out.write(Buffer.from([0x0a]))
  out.end()
  await once(out, 'finish')
}
