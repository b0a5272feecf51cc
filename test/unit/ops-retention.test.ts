import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {existsSync} from 'node:fs'
import {RetentionStepSchema} from '../../src/config/jobs.js'
import {applyRetention, cutoffMidnight} from '../../src/ops/retention.js'
import {Store} from '../../src/store/store.js'
import {tempDir} from '../helpers/cli.js'

let store: Store
beforeEach(async () => {
  store = await Store.open(':memory:')
})
afterEach(async () => {
  await store.close()
})

// "Now" is 2026-11-23 10:00 in Shanghai (02:00 UTC).
const NOW = new Date('2026-11-23T02:00:00Z')

async function event(id: string, ts: string, visitor: string, type = 'pageview', site = 's1') {
  await store.run(
    `insert into raw_probe_events (event_id, site, visitor_id, ts, type, ingest_id) values ($id, $site, $v, $ts::TIMESTAMP, $type, 1)`,
    {id, site, v: visitor, ts, type},
  )
}

describe('retention', () => {
  it('cuts at local midnight N days before today', () => {
    expect(cutoffMidnight(NOW, 2, 'Asia/Shanghai')).toBe('2026-11-21 00:00:00')
    // 02:00 UTC on the 23rd is still the 22nd in New York.
    expect(cutoffMidnight(NOW, 2, 'America/New_York')).toBe('2026-11-20 00:00:00')
  })

  it('summarizes old days into probe_daily, deletes them, keeps the rest', async () => {
    // Old (before 2026-11-21 00:00): 19th: 3 pageviews by v1,v1,v2 + 1 click by v1; 20th 23:59:59: 1 pageview v3.
    await event('e1', '2026-11-19 08:00:00', 'v1')
    await event('e2', '2026-11-19 09:00:00', 'v1')
    await event('e3', '2026-11-19 10:00:00', 'v2')
    await event('e4', '2026-11-19 10:00:05', 'v1', 'click')
    await event('e5', '2026-11-20 23:59:59', 'v3')
    // Kept: exactly at the cutoff and later.
    await event('e6', '2026-11-21 00:00:00', 'v4')
    await event('e7', '2026-11-23 09:00:00', 'v5')
    const step = RetentionStepSchema.parse({kind: 'retention', rawDays: 2})
    const result = await applyRetention(store, step, NOW, 'Asia/Shanghai')
    expect(result).toMatchObject({cutoff: '2026-11-21 00:00:00', deletedEvents: 5, summarizedDays: 2})
    expect(await store.all(`select event_id from raw_probe_events order by event_id`)).toEqual([{event_id: 'e6'}, {event_id: 'e7'}])
    const daily = await store.all(
      `select strftime(day, '%Y-%m-%d') as day, site, type, events, visitors from probe_daily order by day, type`,
    )
    expect(daily).toEqual([
      {day: '2026-11-19', site: 's1', type: 'click', events: 1, visitors: 1},
      {day: '2026-11-19', site: 's1', type: 'pageview', events: 3, visitors: 2},
      {day: '2026-11-20', site: 's1', type: 'pageview', events: 1, visitors: 1},
    ])
    // A late row for a summarized day adds to it; running again deletes only that row.
    await event('e8', '2026-11-19 11:00:00', 'v9')
    const again = await applyRetention(store, step, NOW, 'Asia/Shanghai')
    expect(again.deletedEvents).toBe(1)
    expect(await store.one(`select events, visitors from probe_daily where day = '2026-11-19' and type = 'pageview'`)).toEqual({
      events: 4,
      visitors: 2,
    })
    expect(await store.scalar(`select version from table_versions where table_name = 'raw_probe_events'`)).toBe(2)
  })

  it('archives the deleted rows to Parquet first, and prunes quarantine and job runs', async () => {
    const dir = tempDir('ccx-ops-ret-')
    try {
      await event('e1', '2026-10-01 08:00:00', 'v1')
      await event('e2', '2026-11-23 08:00:00', 'v1')
      await store.run(
        `insert into quarantine values (1, 'probe', 'a.csv', 2, null, 'bad ts', 'x', '2026-10-01 00:00:00', null), (1, 'probe', 'a.csv', 3, null, 'bad ts', 'y', '2026-11-22 00:00:00', null)`,
      )
      await store.run(`insert into job_runs (run_id, job, trigger, status, started_at, steps_total, pid, hostname) values
        ('old', 'n', 'schedule', 'ok', '2026-01-01 02:00:00', 1, 1, 'h'), ('oldrunning', 'n', 'schedule', 'running', '2026-01-01 02:00:00', 1, 1, 'h'), ('new', 'n', 'schedule', 'ok', '2026-11-22 02:00:00', 1, 1, 'h')`)
      const step = RetentionStepSchema.parse({kind: 'retention', rawDays: 30, archiveDir: 'archive', quarantineDays: 30, jobRunsDays: 180})
      const result = await applyRetention(store, step, NOW, 'Asia/Shanghai', dir.path)
      expect(result).toMatchObject({deletedEvents: 1, deletedQuarantine: 1, deletedJobRuns: 1})
      expect(existsSync(result.archivedTo!)).toBe(true)
      expect(await store.scalar(`select count(*) from read_parquet('${result.archivedTo}') where event_id = 'e1'`)).toBe(1)
      expect((await store.all(`select run_id from job_runs order by run_id`)).map((r) => r.run_id)).toEqual(['new', 'oldrunning'])
    } finally {
      dir.cleanup()
    }
  })
})
