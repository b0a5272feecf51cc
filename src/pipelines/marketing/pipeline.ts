import {readSql, renderSql} from '../../store/store.js'
import {MART_INPUTS, MART_TABLES} from '../../marts/marketing.js'
import type {Pipeline} from '../types.js'
import {PAGE_LEVEL_EVENT_TYPES} from '../../vocab/events.js'
import {sqlString} from '../../store/values.js'

const pipeline: Pipeline = {
  name: 'marketing-marts',
  description: 'Compact integer-keyed sessions and funnel steps for the marketing reports (funnel, keywords)',
  reads: MART_INPUTS,
  writes: MART_TABLES,
  fingerprint: () => readSql(import.meta.url, 'marts.sql') + PAGE_LEVEL_EVENT_TYPES.join(','),
  async run({store}) {
    const intents = (await store.tableExists('session_intents'))
      ? '(select session_id, arg_max(intent, confidence) as intent from session_intents group by session_id)'
      : '(select null::VARCHAR as session_id, null::VARCHAR as intent where false)'
    // the mart holds every step but the page-level events (vocab MART_STEP_TYPES), which the funnel reads from events
    const pageLevelTypes = PAGE_LEVEL_EVENT_TYPES.map(sqlString).join(', ')
    await store.run(renderSql(readSql(import.meta.url, 'marts.sql'), {intents, page_level_types: pageLevelTypes}))
    const rows = await store.scalar<number>('select count(*) from mart_funnel_steps')
    return {rowsWritten: rows, message: `${rows} funnel steps`}
  },
}

export default pipeline
