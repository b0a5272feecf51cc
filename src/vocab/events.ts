/**
 * Probe event types and the funnel steps built from them: the one list that `serve` validation, ingest (the
 * `ccx_probe_event_type` enum of migration 002, checked by a test), the marketing marts and the funnel report share.
 */

/** What the probe sends (docs/formats.md, "probe"). Adding one needs a migration that extends the enum too. */
export const PROBE_EVENT_TYPES = [
  'pageview',
  'heartbeat',
  'click',
  'invite_shown',
  'invite_accepted',
  'invite_declined',
  'chat_request',
  'chat_start',
  'lead',
  'register',
  'message',
  'identify',
  'order',
  // the FAQ bot (docs/selfservice.md): serve's /bot logs each exchange; the probe's chat panel sends the visitor's 👍/👎
  'bot_exchange',
  'bot_feedback',
  // surveys (docs/surveys.md): the probe shows a questionnaire a `survey` directive named, and posts the answers
  'survey_shown',
  'survey_answer',
  // what a survey can be asked after (a scenario's `on`): the site's chat widget reports a chat's end; the probe, a
  // pointer leaving the page through its top edge
  'chat_end',
  'exit_intent',
] as const
export type ProbeEventType = (typeof PROBE_EVENT_TYPES)[number]

const probeEventTypes: ReadonlySet<string> = new Set(PROBE_EVENT_TYPES)
export function isProbeEventType(value: unknown): value is ProbeEventType {
  return typeof value === 'string' && probeEventTypes.has(value)
}

/** Events about the page rather than the visitor's journey: the funnel reads them from `events`, not the mart. */
export const PAGE_LEVEL_EVENT_TYPES = ['pageview', 'heartbeat', 'click', 'identify'] as const satisfies readonly ProbeEventType[]

/** Every step type a funnel stage can name: a session's start, the probe's events, and calls (`call_` + direction). */
export const FUNNEL_STEP_TYPES = ['session_start', ...PROBE_EVENT_TYPES, 'call_inbound', 'call_outbound'] as const
export type FunnelStepType = (typeof FUNNEL_STEP_TYPES)[number]

/** Step types the marketing mart (`mart_funnel_steps`) holds: all but the page-level events. */
export const MART_STEP_TYPES: readonly FunnelStepType[] = FUNNEL_STEP_TYPES.filter(
  (t) => !(PAGE_LEVEL_EVENT_TYPES as readonly string[]).includes(t),
)
