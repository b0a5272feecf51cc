import {readSql, renderSql} from '../../store/store.js'
import type {Pipeline} from '../types.js'

/** Step types the mart holds; any other stage type (or a custom SQL stage) makes the funnel read `events`. */
export const MART_STEP_TYPES = [
  'session_start',
  'invite_shown',
  'invite_accepted',
  'invite_declined',
  'chat_request',
  'chat_start',
  'lead',
  'register',
  'message',
  'order',
  'call_inbound',
  'call_outbound',
]
export const MART_INPUTS = ['events', 'sessions', 'session_intents', 'raw_calls', 'raw_conversations', 'raw_leads', 'raw_orders']

const pipeline: Pipeline = {
  name: 'marketing-marts',
  description: 'Compact integer-keyed sessions and funnel steps for the marketing reports (funnel, keywords)',
  reads: MART_INPUTS,
  writes: ['mart_sessions', 'mart_funnel_steps'],
  fingerprint: () => readSql(import.meta.url, 'marts.sql'),
  async run({store}) {
    const intents = (await store.tableExists('session_intents'))
      ? '(select session_id, arg_max(intent, confidence) as intent from session_intents group by session_id)'
      : '(select null::VARCHAR as session_id, null::VARCHAR as intent where false)'
    await store.run(renderSql(readSql(import.meta.url, 'marts.sql'), {intents}))
    const rows = await store.scalar<number>('select count(*) from mart_funnel_steps')
    return {rowsWritten: rows, message: `${rows} funnel steps`}
  },
}

export default pipeline
