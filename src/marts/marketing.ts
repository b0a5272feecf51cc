/**
 * The contract of the marketing marts (mart_sessions, mart_funnel_steps), shared by the pipeline that builds them
 * (src/pipelines/marketing) and the reports that read them (src/reports/marketing): neither imports the other. The step
 * types it holds are a vocabulary: MART_STEP_TYPES in src/vocab/events.ts.
 */

/** What the marts are built from: they are fresh when rebuilt after the last change of every one of these. */
export const MART_INPUTS = [
  'events',
  'sessions',
  'sessions_core',
  'session_intents',
  'raw_calls',
  'raw_conversations',
  'raw_leads',
  'raw_orders',
]

export const MART_TABLES = ['mart_sessions', 'mart_funnel_steps']
