import {batchLogRows, type ProbeRow} from '../../src/vocab/event-log.js'
import type {SegmentLog} from '../../src/serve/segment-log.js'

/** Appends objects as NDJSON lines; resolves when the log acknowledges them. */
export function appendObjects(log: SegmentLog, objects: object[]): Promise<void> {
  const lines = objects.map((o) => JSON.stringify(o) + '\n').join('')
  return new Promise((resolve, reject) => log.appendLines(lines, (error) => (error ? reject(error) : resolve())))
}

/** Every probe row in log segments' text, expanded as ingest does (batchLogRows). */
export function segmentRows(texts: string[]): ProbeRow[] {
  return texts.flatMap((text) =>
    text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .flatMap((l) => batchLogRows(JSON.parse(l) as Record<string, unknown>).rows),
  )
}
