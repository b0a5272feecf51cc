import {readSql, renderSql} from '../../store/store.js'
import {MART_INPUTS, MART_TABLES} from '../../marts/marketing.js'
import type {Pipeline} from '../types.js'
import {PAGE_LEVEL_EVENT_TYPES} from '../../vocab/events.js'
import {sqlString} from '../../store/values.js'
import {changedRows, changedRowsOf, deleteChangedRows, incrementalVisitors, saveRawTables} from '../changes.js'
import {eventsOf, sessionsOf} from '../normalize/views.js'

/** Raw tables the marts read directly: their new rows (by ingest_id) name the visitors to re-do. */
const RAW = ['raw_calls', 'raw_conversations', 'raw_leads', 'raw_orders']
const SQL = ['mart_sessions.sql', 'mart_funnel_steps.sql', 'renumber.sql']

const pipeline: Pipeline = {
  name: 'marketing-marts',
  description: 'Compact integer-keyed sessions and funnel steps for the marketing reports (funnel, keywords)',
  reads: MART_INPUTS,
  writes: MART_TABLES,
  incremental: true,
  follows: RAW,
  fingerprint: () => SQL.map((f) => readSql(import.meta.url, f)).join('\n') + PAGE_LEVEL_EVENT_TYPES.join(','),
  async run(ctx) {
    const {store} = ctx
    // mart_changed (visitor_id, vid, from_ts, renumbered_from): whose sessions upstream re-did and from when, or whom
    // new calls, chats, leads or orders name (from the row's time); renumbered sessions (visit numbers moved upstream,
    // nothing else) are updated, not re-done
    const {run, changed} = await incrementalVisitors(ctx, 'marketing-marts', RAW, 'mart_changed', 'column')
    const hasIntents = await store.tableExists('session_intents')
    // an incremental run reads the intents of the sessions it re-does only (`s`: mart_sessions.sql's chosen sessions)
    const intents = !hasIntents
      ? '(select null::VARCHAR as session_id, null::VARCHAR as intent where false)'
      : `(select session_id, arg_max(intent, confidence) as intent from session_intents ${run.full ? '' : 'where session_id in (select session_id from s)'} group by session_id)`
    // the mart holds every step but the page-level events (vocab MART_STEP_TYPES), which the funnel reads from events
    const pageLevelTypes = PAGE_LEVEL_EVENT_TYPES.map(sqlString).join(', ')
    // the changed visitors' sessions_core rows first, then the dimensions (not the view, then a filter)
    const sessions = changed
      ? `(${sessionsOf(changedRowsOf('sessions_core', 'mart_changed', changed, 'visitor_id', 'started_at'))})`
      : 'sessions'
    // an incremental run inserts its rows straight into the marts (a temp delta cost a copy of every re-done row)
    const write = (table: string) => (run.full || !changed ? `create or replace table ${table} as` : `insert into ${table} by name`)
    const sessionsSql = (keptLast: string) =>
      renderSql(readSql(import.meta.url, 'mart_sessions.sql'), {write: write('mart_sessions'), sessions, intents, kept_last: keptLast})
    const stepsSql = (sessions: string, sessionsAll: string) =>
      renderSql(readSql(import.meta.url, 'mart_funnel_steps.sql'), {
        write: write('mart_funnel_steps'),
        mart_sessions: sessions,
        sessions: sessionsAll,
        only_raw: changedRows('mart_changed', changed, 'r.visitor_id', 'r.ts'),
        // the changed visitors' raw rows first, then their sessions (not the view, then a filter)
        events: changed
          ? `(${eventsOf(changedRowsOf('raw_probe_events', 'mart_changed', changed, 'visitor_id', 'ts', `t.type not in (${pageLevelTypes})`))})`
          : 'events',
        page_level_types: pageLevelTypes,
      })
    let message: string
    let rows: number
    if (run.full || !changed) {
      const none = '(select null::VARCHAR as site, null::VARCHAR as visitor_id, null::TIMESTAMP as last_started_at where false)'
      await store.run(sessionsSql(none))
      await store.run(stepsSql('mart_sessions', 'mart_sessions'))
      rows = await store.scalar<number>('select count(*)::INTEGER from mart_funnel_steps')
      message = `${rows} funnel steps`
    } else {
      // the rows of the changed visitors from their from_ts go; those before stay as they were (sessions that started
      // before from_ts are unchanged upstream, and a step before it attaches to one of them)
      await store.run(deleteChangedRows('mart_sessions', 'mart_changed', changed, 'visitor_id', 'started_at'))
      const keptLast = `(select site, visitor_id, max(started_at) as last_started_at from mart_sessions
        where visitor_id in (select visitor_id from mart_changed where from_ts is not null) group by site, visitor_id)`
      await store.run(sessionsSql(keptLast))
      if (await store.scalar<boolean>('select count(*) > 0 from mart_changed where renumbered_from is not null'))
        await store.run(readSql(import.meta.url, 'renumber.sql'))
      await store.run(deleteChangedRows('mart_funnel_steps', 'mart_changed', changed, 'vid', 'ts'))
      // the sessions it re-did: exactly the rows the delete above took and the insert put back
      const redone = changedRowsOf('mart_sessions', 'mart_changed', changed, 'visitor_id', 'started_at')
      const changedSessions = '(select * from mart_sessions where visitor_id in (select visitor_id from mart_changed))'
      rows = Number(await store.scalar<number>(stepsSql(redone, changedSessions)))
      await store.run('drop table mart_changed')
      message = `${changed.count} visitors re-done: ${rows} funnel steps`
    }
    await saveRawTables(ctx, RAW, changed)
    return {rowsWritten: rows, message}
  },
}

export default pipeline
