import {createReadStream} from 'node:fs'

export interface RawLine {
  /** 1-based line number in the file. */
  line: number
  /** The line's bytes without the line ending (cut at `maxBytes` when too long). */
  bytes: Buffer
  /** Full length in bytes, also when cut. */
  length: number
  tooLong: boolean
}

/**
 * Streams a file's lines as bytes, so a 10 MB line never sits in memory whole and each line's encoding
 * can be checked on its own. `onBytes` reports progress.
 */
export async function* readRawLines(path: string, maxBytes: number, onBytes?: (done: number) => void): AsyncGenerator<RawLine> {
  let parts: Buffer[] = []
  let partLen = 0
  let fullLen = 0
  let line = 0
  let done = 0
  const emit = (): RawLine => {
    line++
    let bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts, partLen)
    if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1)
    const r = {line, bytes, length: fullLen, tooLong: fullLen > maxBytes}
    parts = []
    partLen = 0
    fullLen = 0
    return r
  }
  const keep = (chunk: Buffer) => {
    fullLen += chunk.length
    const room = maxBytes + 1 - partLen
    if (room > 0) {
      const piece = chunk.length > room ? chunk.subarray(0, room) : chunk
      parts.push(piece)
      partLen += piece.length
    }
  }
  for await (const chunk of createReadStream(path, {highWaterMark: 1 << 20}) as AsyncIterable<Buffer>) {
    let start = 0
    for (;;) {
      const nl = chunk.indexOf(0x0a, start)
      if (nl === -1) break
      keep(chunk.subarray(start, nl))
      yield emit()
      start = nl + 1
    }
    if (start < chunk.length) keep(Buffer.from(chunk.subarray(start)))
    done += chunk.length
    onBytes?.(done)
  }
  if (fullLen > 0) yield emit()
}

/** CSV field quoting for the canonical temp files (RFC 4180). */
export function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? '"' + value.replaceAll('"', '""') + '"' : value
}
