import {readSql} from '../../store/store.js'
import type {Pipeline} from '../types.js'

const STEPS = ['call_facts.sql', 'chat_facts.sql', 'contact_facts.sql']

/** Facts for service KPIs, agent scores and layers: one row per call, per chat, and both in one shape. */
const service: Pipeline = {
  name: 'service',
  description: 'service quality facts: call_facts, chat_facts, contact_facts',
  reads: ['raw_calls', 'raw_conversations', 'raw_messages', 'sites'],
  writes: ['call_facts', 'chat_facts', 'contact_facts'],
  fingerprint: () => STEPS.map((f) => readSql(import.meta.url, f)).join('\n'),
  async run({store}) {
    for (const step of STEPS) await store.run(readSql(import.meta.url, step))
    const rows = await store.scalar<number>('select count(*) from contact_facts')
    return {rowsWritten: rows}
  },
}

export default service
