/**
 * What `ccx warehouse publish` writes to ClickHouse: one table per file in ./publish (its DuckDB SELECT), with the
 * ClickHouse column types in the SELECT's column order. Every table has `day` (its partition) and `vid` (DuckDB's
 * hash of the visitor id: the sharding key, the same for one visitor in every table). Times are microseconds since
 * the epoch (Int64): 18.16's DateTime has whole seconds, DuckDB's TIMESTAMP microseconds, and a funnel compares them.
 */
export interface WarehouseTable {
  name: string
  /** The DuckDB query of ./publish/<file>. */
  file: string
  columns: Array<[string, string]>
  order: string
  /** Marts the rows come from: publish refuses when they are older than their inputs. */
  marts?: boolean
}

const S = 'Nullable(String)'
const I = 'Nullable(Int64)'
const common: Array<[string, string]> = [
  ['day', 'Date'],
  ['site', S],
  ['vid', 'UInt64'],
]

export const WAREHOUSE_TABLES: WarehouseTable[] = [
  {
    name: 'ccx_sessions',
    file: 'sessions.sql',
    marts: true,
    columns: [
      ...common,
      ['visitor_key', 'UInt64'],
      ['session_key', 'UInt64'],
      ['session_id', 'String'],
      ['visitor_id', 'String'],
      ['started_us', 'Int64'],
      ['prev_started_us', I],
      ['is_returning', 'Nullable(UInt8)'],
      ...[
        'entry_url',
        'medium',
        'source',
        'term',
        'term_raw',
        'campaign',
        'country',
        'province',
        'city',
        'isp',
        'browser',
        'os',
        'device_type',
        'intent',
      ].map((c): [string, string] => [c, S]),
    ],
    order: 'vid, started_us',
  },
  {
    name: 'ccx_funnel_steps',
    file: 'funnel_steps.sql',
    marts: true,
    columns: [...common, ['visitor_key', 'UInt64'], ['session_key', 'Nullable(UInt64)'], ['ts_us', 'Int64'], ['type', 'String']],
    order: 'vid, ts_us',
  },
  {
    name: 'ccx_steps',
    file: 'steps.sql',
    columns: [
      ...common,
      ['visitor_id', S],
      ['session_id', S],
      ['ts_us', 'Int64'],
      ['type', 'String'],
      ['step_id', 'String'],
      ['amount', 'Nullable(Float64)'],
    ],
    order: 'vid, ts_us',
  },
  {
    name: 'ccx_events',
    file: 'events.sql',
    columns: [...common, ['visitor_id', S], ['ts_us', 'Int64'], ['type', 'String'], ['id', 'String']],
    order: 'type, ts_us',
  },
  {
    name: 'ccx_conversations',
    file: 'conversations.sql',
    columns: [
      ...common,
      ['agent_id', S],
      ['requested_us', 'Int64'],
      ['answered_us', I],
      ['ended_us', I],
      ['csat', 'Nullable(Float64)'],
      ['resolved', 'Nullable(UInt8)'],
    ],
    order: 'requested_us',
  },
  {name: 'ccx_leads', file: 'leads.sql', columns: [...common, ['lead_id', 'String'], ['ts_us', 'Int64']], order: 'ts_us'},
  {
    name: 'ccx_orders',
    file: 'orders.sql',
    columns: [...common, ['order_id', 'String'], ['ts_us', 'Int64'], ['amount', 'Nullable(Float64)']],
    order: 'ts_us',
  },
  {name: 'ccx_calls', file: 'calls.sql', columns: [...common, ['direction', 'String'], ['offered_us', 'Int64']], order: 'offered_us'},
]

/** The sites and their industries (the keyword report's peer groups): small, replaced whole on every publish. */
export const SITES_TABLE = 'ccx_sites'
