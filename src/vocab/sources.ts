/**
 * What each `ccx ingest <source>` accepts after column mapping (docs/formats.md) and where it is stored: the one
 * definition from which ingest derives its checks and its insert statements, and against which a test checks the
 * raw_* tables the migrations create (storedColumns).
 */
import {CALL_DIRECTION, CALL_DISPOSITION, CHAT_CHANNEL, AGENT_STATE, SENDER_TYPE, SPEAKER, type Vocabulary} from './values.js'

/** `ccx ingest <source>` names (the jobs schema's ingest steps name the same sources). */
export const SOURCE_NAMES = ['probe', 'calls', 'chats', 'transcripts', 'leads', 'orders', 'agent-states', 'surveys'] as const
export type SourceName = (typeof SOURCE_NAMES)[number]

export type FieldKind = 'text' | 'timestamp' | 'int' | 'bigint' | 'double' | 'bool' | 'probe_type'
export type ContactKind = 'phone' | 'email' | 'wechat'

export interface FieldSpec {
  name: string
  kind: FieldKind
  /** Rows without it are quarantined. */
  required?: boolean
  /** Contact detail: stored as `<kind>_hash` + `<kind>_masked`, raw only with --keep-contacts. */
  contact?: ContactKind
  /** Enumerated: only these values (or their synonyms) after mapping; anything else is quarantined. */
  vocab?: Vocabulary
  /** Documented range of a number, inclusive. Outside it the row is quarantined. */
  min?: number
  max?: number
  /** The table it is stored in, when the source writes several (chats); default: the source's first table. */
  table?: string
  /** chats: how the conversation row is made from its message rows (SQL over the staged rows). */
  agg?: string
  /** Stored NOT NULL although the field is optional (a default fills it). */
  notNull?: boolean
}

export interface SourceSpec {
  name: SourceName
  fields: FieldSpec[]
  /** raw_* tables this source writes. */
  tables: string[]
  /** Natural key, as documented. */
  key: string
  /** Columns of the natural key per table (insert or ignore / anti-join on them). */
  keyColumns: Record<string, string[]>
}

/** Timestamps outside [1970-01-01, 2100-01-01) are quarantined (`out_of_range`): a year 10000 or 1900 is a parse slip. */
export const TIMESTAMP_RANGE = {min: '1970-01-01 00:00:00', max: '2100-01-01 00:00:00'} as const

const t = (name: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({name, kind: 'text', ...extra})
const ts = (name: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({name, kind: 'timestamp', ...extra})
const f = (name: string, kind: FieldKind, extra: Partial<FieldSpec> = {}): FieldSpec => ({name, kind, ...extra})
const R = {required: true} as const

export const SOURCES: Record<SourceName, SourceSpec> = {
  probe: {
    name: 'probe',
    tables: ['raw_probe_events'],
    key: 'event_id (given, or md5 of the event content)',
    keyColumns: {raw_probe_events: ['event_id']},
    fields: [
      t('event_id', {notNull: true}),
      ts('ts', R),
      t('site', R),
      t('visitor_id', R),
      f('type', 'probe_type', R),
      t('url'),
      t('title'),
      t('referrer'),
      t('ip'),
      t('user_agent'),
      f('x', 'int', {min: 0}),
      f('y', 'int', {min: 0}),
      t('selector'),
      t('member_id'),
      f('visit_count', 'int', {min: 0}),
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
    keyColumns: {raw_calls: ['call_id']},
    fields: [
      t('call_id', R),
      t('site'),
      t('direction', {...R, vocab: CALL_DIRECTION}),
      t('queue'),
      t('agent_id'),
      t('customer_id'),
      t('phone', {contact: 'phone'}),
      t('visitor_id'),
      ts('offered_at', R),
      ts('answered_at'),
      ts('ended_at'),
      f('hold_s', 'double', {min: 0}),
      f('wrap_s', 'double', {min: 0}),
      t('disposition', {vocab: CALL_DISPOSITION}),
      t('outcome'),
      t('campaign'),
      f('csat', 'int', {min: 1, max: 5}),
      t('transferred_from'),
    ],
  },
  chats: {
    name: 'chats',
    tables: ['raw_conversations', 'raw_messages'],
    key: 'conversation_id; (conversation_id, seq)',
    keyColumns: {raw_conversations: ['conversation_id'], raw_messages: ['conversation_id', 'seq']},
    fields: [
      t('conversation_id', {...R, table: 'raw_conversations raw_messages'}),
      t('site', {agg: 'any_value(site)'}),
      t('channel', {vocab: CHAT_CHANNEL, agg: `coalesce(any_value(channel), 'web')`, notNull: true}),
      t('visitor_id', {agg: 'any_value(visitor_id)'}),
      t('customer_id', {agg: 'any_value(customer_id)'}),
      t('queue', {agg: 'any_value(queue)'}),
      t('agent_id', {agg: 'any_value(agent_id)'}),
      ts('requested_at', {agg: 'coalesce(min(requested_at), min(ts))', notNull: true}),
      ts('answered_at', {agg: 'min(answered_at)'}),
      ts('ended_at', {agg: 'max(ended_at)'}),
      f('csat', 'int', {min: 1, max: 5, agg: 'any_value(csat)'}),
      f('resolved', 'bool', {agg: 'any_value(resolved)'}),
      t('outcome', {agg: 'any_value(outcome)'}),
      f('seq', 'int', {table: 'raw_messages', min: 0, notNull: true}),
      ts('ts', {table: 'raw_messages', notNull: true}),
      t('sender_type', {table: 'raw_messages', vocab: SENDER_TYPE, notNull: true}),
      t('sender_id', {table: 'raw_messages'}),
      t('text', {table: 'raw_messages'}),
    ],
  },
  transcripts: {
    name: 'transcripts',
    tables: ['raw_transcript_turns'],
    key: '(call_id, turn_no)',
    keyColumns: {raw_transcript_turns: ['call_id', 'turn_no']},
    fields: [
      t('call_id', R),
      f('turn_no', 'int', {...R, min: 0}),
      t('speaker', {...R, vocab: SPEAKER}),
      f('start_ms', 'bigint', {min: 0}),
      f('end_ms', 'bigint', {min: 0}),
      t('text'),
      f('confidence', 'double', {min: 0, max: 1}),
    ],
  },
  leads: {
    name: 'leads',
    tables: ['raw_leads'],
    key: 'lead_id',
    keyColumns: {raw_leads: ['lead_id']},
    fields: [
      t('lead_id', R),
      ts('ts', R),
      t('site'),
      t('visitor_id'),
      t('conversation_id'),
      t('call_id'),
      t('channel'),
      t('agent_id'),
      t('product'),
      t('intent'),
      t('status'),
      t('phone', {contact: 'phone'}),
      t('email', {contact: 'email'}),
      t('wechat', {contact: 'wechat'}),
    ],
  },
  orders: {
    name: 'orders',
    tables: ['raw_orders'],
    key: 'order_id',
    keyColumns: {raw_orders: ['order_id']},
    fields: [
      t('order_id', R),
      ts('ts', R),
      t('site'),
      t('visitor_id'),
      t('lead_id'),
      t('customer_id'),
      t('agent_id'),
      t('channel'),
      t('product'),
      f('quantity', 'int', {min: 0}),
      f('amount', 'double'),
      t('currency'),
    ],
  },
  'agent-states': {
    name: 'agent-states',
    tables: ['raw_agent_states'],
    key: '(agent_id, started_at, state)',
    keyColumns: {raw_agent_states: ['agent_id', 'started_at', 'state']},
    fields: [t('agent_id', R), t('site'), t('state', {...R, vocab: AGENT_STATE}), ts('started_at', R), ts('ended_at', R)],
  },
  surveys: {
    name: 'surveys',
    tables: ['raw_survey_responses'],
    key: 'response_id',
    keyColumns: {raw_survey_responses: ['response_id']},
    fields: [
      t('response_id', R),
      t('survey_id', R),
      f('survey_version', 'int', {...R, min: 1}),
      ts('ts', R),
      t('site'),
      t('respondent_id'),
      t('visitor_id'),
      t('conversation_id'),
      t('call_id'),
      t('campaign'),
      t('channel'),
      t('agent_id'),
      t('intent'),
      t('language'),
      // a JSON object {"question id": value}, checked by ingest (an object) and by the report (against its version)
      t('answers'),
    ],
  },
}

export function isSourceName(s: string): s is SourceName {
  return (SOURCE_NAMES as readonly string[]).includes(s)
}

export function fieldOf(spec: SourceSpec, name: string): FieldSpec | undefined {
  return spec.fields.find((f) => f.name === name)
}

const SQL_TYPE: Record<FieldKind, string> = {
  text: 'VARCHAR',
  timestamp: 'TIMESTAMP',
  int: 'INTEGER',
  bigint: 'BIGINT',
  double: 'DOUBLE',
  bool: 'BOOLEAN',
  probe_type: 'VARCHAR',
}
export function sqlType(kind: FieldKind): string {
  return SQL_TYPE[kind]
}

export interface StoredColumn {
  table: string
  column: string
  type: string
  notNull: boolean
  /** The field it holds (none for bookkeeping columns). */
  field?: string
  /** What of the field: its value, or a contact's hash / masked form. */
  part?: 'value' | 'hash' | 'masked'
}

/** Columns ccx adds to every raw row, or to some tables: not fields of the input. */
const BOOKKEEPING: Record<string, Array<Omit<StoredColumn, 'table'>>> = {
  raw_probe_events: [
    {column: 'ingest_id', type: 'BIGINT', notNull: true},
    {column: 'event_key', type: 'BIGINT', notNull: true},
  ],
  raw_calls: [
    {column: 'ingest_id', type: 'BIGINT', notNull: true},
    {column: 'quality', type: 'VARCHAR', notNull: false},
  ],
  raw_conversations: [
    {column: 'ingest_id', type: 'BIGINT', notNull: true},
    {column: 'quality', type: 'VARCHAR', notNull: false},
  ],
  raw_messages: [{column: 'ingest_id', type: 'BIGINT', notNull: true}],
  raw_transcript_turns: [{column: 'ingest_id', type: 'BIGINT', notNull: true}],
  raw_leads: [{column: 'ingest_id', type: 'BIGINT', notNull: true}],
  raw_orders: [{column: 'ingest_id', type: 'BIGINT', notNull: true}],
  raw_agent_states: [{column: 'ingest_id', type: 'BIGINT', notNull: false}],
  raw_survey_responses: [{column: 'ingest_id', type: 'BIGINT', notNull: true}],
}

/** Tables a field is stored in (chats' conversation_id in both). */
export function fieldTables(spec: SourceSpec, field: FieldSpec): string[] {
  return field.table ? field.table.split(' ') : [spec.tables[0]!]
}

/** Every column of the source's raw tables, derived from the field specs: what the migrations must have created. */
export function storedColumns(spec: SourceSpec): StoredColumn[] {
  const out: StoredColumn[] = []
  for (const field of spec.fields) {
    for (const table of fieldTables(spec, field)) {
      const notNull = Boolean(field.required || field.notNull)
      if (field.contact) {
        out.push({table, column: `${field.contact}_hash`, type: 'VARCHAR', notNull: false, field: field.name, part: 'hash'})
        out.push({table, column: `${field.contact}_masked`, type: 'VARCHAR', notNull: false, field: field.name, part: 'masked'})
      } else out.push({table, column: field.name, type: sqlType(field.kind), notNull, field: field.name, part: 'value'})
    }
  }
  for (const table of spec.tables) for (const c of BOOKKEEPING[table] ?? []) out.push({table, ...c})
  return out
}
