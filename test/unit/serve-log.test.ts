import {appendFileSync, readFileSync, readdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it, vi} from 'vitest'
import {SegmentLog, closedSegments, recoverSegments} from '../../src/serve/segment-log.js'
import {RateLimiter} from '../../src/serve/rate-limit.js'
import {type BatchError, validateBatch} from '../../src/vocab/probe-batch.js'
import {tempDir} from '../helpers/cli.js'
import {appendObjects} from '../helpers/serve-log.js'

describe('segment log', () => {
  it('acknowledges appends after writing them; closed segments hold every line once', async () => {
    const dir = tempDir()
    const log = new SegmentLog({dir: dir.path, prefix: 't', sync: 'ack', maxBytes: 200})
    await Promise.all([appendObjects(log, [{n: 1}, {n: 2}]), appendObjects(log, [{n: 3}])])
    await appendObjects(log, [{n: 4, pad: 'x'.repeat(300)}]) // over maxBytes: the next append rotates
    await appendObjects(log, [{n: 5}])
    expect(closedSegments(dir.path)).toHaveLength(1) // first segment closed by rotation, second still open
    await log.close()
    const segments = closedSegments(dir.path)
    expect(segments).toHaveLength(2)
    const lines = segments.flatMap((s) => readFileSync(s, 'utf8').trim().split('\n')).map((l) => JSON.parse(l).n)
    expect(lines).toEqual([1, 2, 3, 4, 5])
    expect(log.stats.fsyncs).toBeGreaterThanOrEqual(3)
    dir.cleanup()
  })

  it('interval mode acknowledges after the write and fsyncs within the interval; off never fsyncs', async () => {
    // the interval timer and the clock are faked (the writes and fsyncs are real): a busy machine cannot let the
    // interval pass between two appends
    vi.useFakeTimers({toFake: ['setTimeout', 'clearTimeout', 'Date']})
    const dir = tempDir()
    try {
      const log = new SegmentLog({dir: dir.path, prefix: 'i', sync: 'interval', syncIntervalMs: 20})
      await appendObjects(log, [{n: 1}])
      await appendObjects(log, [{n: 2}])
      // acknowledged, written to the OS, no fsync yet: the timer started by the first write has not fired
      expect(log.stats.fsyncs).toBe(0)
      const open = readdirSync(dir.path).find((n) => n.endsWith('.open'))!
      expect(readFileSync(join(dir.path, open), 'utf8')).toBe('{"n":1}\n{"n":2}\n')
      vi.advanceTimersByTime(20)
      await vi.waitFor(() => expect(log.stats.fsyncs).toBe(1), {timeout: 120_000})
      vi.advanceTimersByTime(1000)
      expect(vi.getTimerCount()).toBe(0) // none runs while nothing is written
      expect(log.stats.fsyncs).toBe(1) // one fsync covered both writes
      await appendObjects(log, [{n: 3}])
      await log.close()
      expect(closedSegments(dir.path).map((s) => readFileSync(s, 'utf8'))).toEqual(['{"n":1}\n{"n":2}\n{"n":3}\n'])

      const off = new SegmentLog({dir: dir.path, prefix: 'o', sync: 'off', syncIntervalMs: 1})
      await appendObjects(off, [{n: 1}])
      expect(vi.getTimerCount()).toBe(0)
      await off.close()
      expect(off.stats.fsyncs).toBe(0)
    } finally {
      vi.useRealTimers()
      dir.cleanup()
    }
  })

  it('a failed fdatasync stops the log: later appends fail, the error is counted', async () => {
    vi.useFakeTimers({toFake: ['setTimeout', 'clearTimeout', 'Date']}) // the fsync runs when the test says so
    const dir = tempDir()
    try {
      const log = new SegmentLog({dir: dir.path, prefix: 'f', sync: 'interval', syncIntervalMs: 5})
      await appendObjects(log, [{n: 1}])
      // the next fdatasync gets a descriptor that is not open (EBADF), as a disk error would fail it
      const internals = log as unknown as {fd: number}
      const real = internals.fd
      internals.fd = 1 << 30
      vi.advanceTimersByTime(5)
      await vi.waitFor(() => expect(log.stats.fsyncErrors).toBe(1), {timeout: 120_000})
      expect(log.failed?.message).toMatch(/fdatasync failed/)
      await expect(appendObjects(log, [{n: 2}])).rejects.toThrow(/not accepting events/)
      internals.fd = real
      await log.close()
      expect(closedSegments(dir.path).map((s) => readFileSync(s, 'utf8'))).toEqual(['{"n":1}\n'])
    } finally {
      vi.useRealTimers()
      dir.cleanup()
    }
  })

  it('recovery closes a crashed segment and drops only its torn, unacknowledged last line', () => {
    const dir = tempDir()
    const open = join(dir.path, 'seg-1-1-00000001.ndjson.open')
    writeFileSync(open, '{"n":1}\n{"n":2}\n')
    appendFileSync(open, '{"n":3,"tor') // a write cut by SIGKILL
    writeFileSync(join(dir.path, 'seg-1-1-00000002.ndjson.open'), '') // opened, nothing written
    const result = recoverSegments(dir.path)
    expect(result).toEqual({recovered: 1, truncatedBytes: '{"n":3,"tor'.length})
    const segments = closedSegments(dir.path)
    expect(segments.map((s) => s.split('/').pop())).toEqual(['seg-1-1-00000001.ndjson'])
    expect(readFileSync(segments[0], 'utf8')).toBe('{"n":1}\n{"n":2}\n')
    expect(readdirSync(dir.path).some((n) => n.endsWith('.open'))).toBe(false)
    dir.cleanup()
  })

  it('recovery cuts at the first zero byte: a hole the OS left before a later, unacknowledged write', () => {
    const dir = tempDir()
    const data = '{"n":1}\n{"n":2}\n'
    const crashed = Buffer.alloc(200)
    crashed.write(data + '{"n":3,"to', 0)
    crashed.write('{"n":9}\n', 150) // flushed, but after a hole of zeros
    writeFileSync(join(dir.path, 'z-00000001.ndjson.open'), crashed)
    expect(recoverSegments(dir.path, 'z')).toEqual({recovered: 1, truncatedBytes: 200 - data.length})
    expect(closedSegments(dir.path).map((s) => readFileSync(s, 'utf8'))).toEqual([data])
    dir.cleanup()
  })
})

describe('rate limiter', () => {
  it('allows the burst, then the rate', () => {
    let now = 0
    const rl = new RateLimiter(2, 3, () => now)
    expect([rl.take('a'), rl.take('a'), rl.take('a'), rl.take('a')]).toEqual([true, true, true, false])
    expect(rl.take('b')).toBe(true) // per key
    now = 500 // half a second at 2/s = one token
    expect([rl.take('a'), rl.take('a')]).toEqual([true, false])
  })
})

describe('batch validation', () => {
  const good = {site: 's', visitor_id: 'v', events: [{type: 'pageview', url: 'https://x/'}]}
  it('keeps good events and names the field of bad ones', () => {
    const {batch, rejected} = validateBatch({
      ...good,
      events: [...good.events, {type: 'nope'}, {type: 'click', x: 'a'}, {type: 'pageview', title: 't'.repeat(600)}],
    })
    expect(batch.events).toHaveLength(1)
    expect(rejected).toEqual([
      {index: 1, field: 'type', reason: 'unknown event type "nope"'},
      {index: 2, field: 'x', reason: 'must be a finite number'},
      {index: 3, field: 'title', reason: 'longer than 512 characters'},
    ])
  })
  it('refuses wrong envelopes with 422/413 and the field', () => {
    const fail = (body: unknown) => {
      try {
        validateBatch(body)
      } catch (e) {
        return [(e as BatchError).status, (e as BatchError).field]
      }
      return undefined
    }
    expect(fail([])).toEqual([422, '(body)'])
    expect(fail({...good, site: 5})).toEqual([422, 'site'])
    expect(fail({...good, visitor_id: ''})).toEqual([422, 'visitor_id'])
    expect(fail({...good, events: []})).toEqual([422, 'events'])
    expect(fail({...good, events: Array.from({length: 101}, () => ({type: 'heartbeat'}))})).toEqual([413, 'events'])
    expect(fail({...good, events: [{type: 'x'}]})).toEqual([422, 'events[0].type'])
  })
})
