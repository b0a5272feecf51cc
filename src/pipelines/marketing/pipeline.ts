import {readSql, renderSql} from '../../store/store.js'
import {MART_INPUTS, MART_TABLES} from '../../marts/marketing.js'
import type {Pipeline} from '../types.js'
import {PAGE_LEVEL_EVENT_TYPES} from '../../vocab/events.js'
import {sqlString} from '../../store/values.js'
import {incrementalVisitors, saveRawTables} from '../changes.js'

/** Raw tables the marts read directly: their new rows (by ingest_id) name the visitors to re-do. */
const RAW = ['raw_calls', 'raw_conversations', 'raw_leads', 'raw_orders']

const pipeline: Pipeline = {
  name: 'marketing-marts',
  description: 'Compact integer-keyed sessions and funnel steps for the marketing reports (funnel, keywords)',
  reads: MART_INPUTS,
  writes: MART_TABLES,
  incremental: true,
  follows: RAW,
  fingerprint: () => readSql(import.meta.url, 'marts.sql') + PAGE_LEVEL_EVENT_TYPES.join(','),
  async run(ctx) {
    const {store} = ctx
    // mart_changed (visitor_id): whose sessions upstream re-did, or whom new calls, chats, leads or orders name
    const {run, changed} = await incrementalVisitors(ctx, 'marketing-marts', RAW, 'mart_changed')
    const intents = (await store.tableExists('session_intents'))
      ? '(select session_id, arg_max(intent, confidence) as intent from session_intents group by session_id)'
      : '(select null::VARCHAR as session_id, null::VARCHAR as intent where false)'
    // the mart holds every step but the page-level events (vocab MART_STEP_TYPES), which the funnel reads from events
    const pageLevelTypes = PAGE_LEVEL_EVENT_TYPES.map(sqlString).join(', ')
    const sql = (suffix: string, only: string) =>
      renderSql(readSql(import.meta.url, 'marts.sql'), {
        intents,
        page_level_types: pageLevelTypes,
        mart_sessions: `mart_sessions${suffix}`,
        mart_funnel_steps: `mart_funnel_steps${suffix}`,
        only,
      })
    let message: string
    let rows: number
    if (run.full) {
      await store.run(sql('', 'true'))
      rows = await store.scalar<number>('select count(*)::INTEGER from mart_funnel_steps')
      message = `${rows} funnel steps`
    } else {
      await store.run(sql('__delta', 'visitor_id in (select visitor_id from mart_changed)'))
      rows = await store.scalar<number>('select count(*)::INTEGER from mart_funnel_steps__delta')
      await store.run(`delete from mart_sessions where visitor_id in (select visitor_id from mart_changed);
        insert into mart_sessions by name select * from mart_sessions__delta;
        delete from mart_funnel_steps where vid in (select hash(visitor_id) from mart_changed);
        insert into mart_funnel_steps by name select * from mart_funnel_steps__delta;
        drop table mart_sessions__delta; drop table mart_funnel_steps__delta; drop table mart_changed`)
      message = `${changed?.count} visitors re-done: ${rows} funnel steps`
    }
    await saveRawTables(ctx, RAW, changed)
    return {rowsWritten: rows, message}
  },
}

export default pipeline
