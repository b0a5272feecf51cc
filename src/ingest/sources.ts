/** What each `ccx ingest <source>` accepts after column mapping (docs/formats.md) and where it lands. */

import {SOURCE_NAMES, type SourceName} from '../vocab/sources.js'

export {SOURCE_NAMES, type SourceName} from '../vocab/sources.js'

export type FieldKind = 'text' | 'timestamp' | 'int' | 'bigint' | 'double' | 'bool' | 'probe_type'

export interface FieldSpec {
  name: string
  kind: FieldKind
  /** Rows without it are quarantined. */
  required?: boolean
  /** Contact detail: stored hashed + masked, raw only with --keep-contacts. */
  contact?: 'phone' | 'email' | 'wechat'
}

export interface SourceSpec {
  name: SourceName
  fields: FieldSpec[]
  /** raw_* tables this source writes. */
  tables: string[]
  /** Natural key, as documented. */
  key: string
}

const t = (name: string, required = false): FieldSpec => ({name, kind: 'text', required})
const ts = (name: string, required = false): FieldSpec => ({name, kind: 'timestamp', required})
const f = (name: string, kind: FieldKind, required = false): FieldSpec => ({name, kind, required})

export const SOURCES: Record<SourceName, SourceSpec> = {
  probe: {
    name: 'probe',
    tables: ['raw_probe_events'],
    key: 'event_id (given, or md5 of the event content)',
    fields: [
      t('event_id'),
      ts('ts', true),
      t('site', true),
      t('visitor_id', true),
      f('type', 'probe_type', true),
      t('url'),
      t('title'),
      t('referrer'),
      t('ip'),
      t('user_agent'),
      f('x', 'int'),
      f('y', 'int'),
      t('selector'),
      t('member_id'),
      f('visit_count', 'int'),
      t('directive_id'),
      t('ref_id'),
      f('value', 'double'),
      t('props'),
    ],
  },
  calls: {
    name: 'calls',
    tables: ['raw_calls'],
    key: 'call_id',
    fields: [
      t('call_id', true),
      t('site'),
      t('direction', true),
      t('queue'),
      t('agent_id'),
      t('customer_id'),
      {name: 'phone', kind: 'text', contact: 'phone'},
      t('visitor_id'),
      ts('offered_at', true),
      ts('answered_at'),
      ts('ended_at'),
      f('hold_s', 'double'),
      f('wrap_s', 'double'),
      t('disposition'),
      t('outcome'),
      t('campaign'),
      f('csat', 'int'),
      t('transferred_from'),
    ],
  },
  chats: {
    name: 'chats',
    tables: ['raw_conversations', 'raw_messages'],
    key: 'conversation_id; (conversation_id, seq)',
    fields: [
      t('conversation_id', true),
      t('site'),
      t('channel'),
      t('visitor_id'),
      t('customer_id'),
      t('queue'),
      t('agent_id'),
      ts('requested_at'),
      ts('answered_at'),
      ts('ended_at'),
      f('csat', 'int'),
      f('resolved', 'bool'),
      t('outcome'),
      f('seq', 'int'),
      ts('ts'),
      t('sender_type'),
      t('sender_id'),
      t('text'),
    ],
  },
  transcripts: {
    name: 'transcripts',
    tables: ['raw_transcript_turns'],
    key: '(call_id, turn_no)',
    fields: [
      t('call_id', true),
      f('turn_no', 'int', true),
      t('speaker', true),
      f('start_ms', 'bigint'),
      f('end_ms', 'bigint'),
      t('text'),
      f('confidence', 'double'),
    ],
  },
  leads: {
    name: 'leads',
    tables: ['raw_leads'],
    key: 'lead_id',
    fields: [
      t('lead_id', true),
      ts('ts', true),
      t('site'),
      t('visitor_id'),
      t('conversation_id'),
      t('call_id'),
      t('channel'),
      t('agent_id'),
      t('product'),
      t('intent'),
      t('status'),
      {name: 'phone', kind: 'text', contact: 'phone'},
      {name: 'email', kind: 'text', contact: 'email'},
      {name: 'wechat', kind: 'text', contact: 'wechat'},
    ],
  },
  orders: {
    name: 'orders',
    tables: ['raw_orders'],
    key: 'order_id',
    fields: [
      t('order_id', true),
      ts('ts', true),
      t('site'),
      t('visitor_id'),
      t('lead_id'),
      t('customer_id'),
      t('agent_id'),
      t('channel'),
      t('product'),
      f('quantity', 'int'),
      f('amount', 'double'),
      t('currency'),
    ],
  },
}

export function isSourceName(s: string): s is SourceName {
  return (SOURCE_NAMES as readonly string[]).includes(s)
}
