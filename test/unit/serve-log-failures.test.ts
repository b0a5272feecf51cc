import {readFileSync, writeSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {SegmentLog, closedSegments} from '../../src/serve/segment-log.js'
import {tempDir} from '../helpers/cli.js'

function append(log: SegmentLog, line: string): Promise<Error | null> {
  return new Promise((resolve) => log.appendLines(line + '\n', resolve))
}

/** A disk that fills up after `room` bytes: the write that crosses it is partial, the next one fails with ENOSPC. */
function fillingDisk(room: number): {write: typeof writeSync; free: () => void} {
  let used = 0
  let full = false
  const write = ((fd: number, buffer: Buffer, offset = 0) => {
    if (full) throw Object.assign(new Error('ENOSPC: no space left on device, write'), {code: 'ENOSPC', errno: -28})
    const want = buffer.length - offset
    const n = Math.min(want, room - used)
    if (n < want) full = true
    if (n === 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), {code: 'ENOSPC', errno: -28})
    const written = writeSync(fd, buffer, offset, n)
    used += written
    return written
  }) as typeof writeSync
  return {write, free: () => ((full = false), (room = Number.POSITIVE_INFINITY))}
}

describe('segment log on a full disk (issue 15, #1)', () => {
  it('cuts a partly written group back out, refuses it, and rolls to a new segment: no partial line, no lost ack', async () => {
    const dir = tempDir()
    const disk = fillingDisk(250)
    const log = new SegmentLog({dir: dir.path, prefix: 'seg-full', sync: 'ack', writeSync: disk.write})
    const acked: number[] = []
    const refused: number[] = []
    for (let n = 0; n < 12; n++) {
      const error = await append(log, JSON.stringify({n, pad: 'x'.repeat(40)}))
      ;(error ? refused : acked).push(n)
      if (n === 6) {
        // (the real disk has room: ask as if it had none, or health would report the room back)
        expect(log.health(Number.POSITIVE_INFINITY)).toMatchObject({ok: false, state: 'write_failed'})
        expect(log.stats.writeErrors).toBe(refused.length)
        disk.free()
      }
    }
    expect(refused.length).toBeGreaterThan(0)
    expect(log.health(Number.POSITIVE_INFINITY)).toMatchObject({ok: true, state: 'ok'})
    await log.close()
    const segments = closedSegments(dir.path)
    expect(segments.length).toBe(2) // the one that filled up, closed at its last whole line, and the next
    const lines = segments.flatMap((s) => readFileSync(s, 'utf8').split('\n').slice(0, -1))
    // every line whole, every acknowledged append once, nothing that was refused
    expect(lines.map((l) => (JSON.parse(l) as {n: number}).n)).toEqual(acked)
    for (const s of segments) expect(readFileSync(s, 'utf8').endsWith('\n')).toBe(true)
    dir.cleanup()
  })
})
