-- ccx_steps: the business steps of src/reports/marketing/steps.sql before their per-range grouping (probe events with
-- their session; calls, conversations, leads and orders given the visitor's latest session at or before them).
with step_sessions as (
  select session_id, site, visitor_id, started_at from sessions where not coalesce(is_bot, false)
),
steps_probe as (
  select site, visitor_id, session_id, ts, type, coalesce(ref_id, event_id) as step_id, value as amount
  from events
  where not coalesce(is_bot, false) and type in ('chat_request', 'chat_start', 'message', 'lead', 'register', 'order')
    and ts >= $start::TIMESTAMP and ts < $end::TIMESTAMP
),
steps_raw as (
  select site, visitor_id, offered_at as ts, 'call_' || direction as type, call_id as step_id, null::DOUBLE as amount from raw_calls
  union all
  select site, visitor_id, requested_at, 'chat_request', conversation_id, null from raw_conversations
  union all
  select site, visitor_id, answered_at, 'chat_start', conversation_id, null from raw_conversations where answered_at is not null
  union all
  select site, visitor_id, ts, 'lead', lead_id, null from raw_leads
  union all
  select site, visitor_id, ts, 'order', order_id, amount from raw_orders
),
steps_raw_s as (
  select coalesce(r.site, m.site) as site, r.visitor_id, m.session_id, r.ts, r.type, r.step_id, r.amount
  from (select * from steps_raw where ts >= $start::TIMESTAMP and ts < $end::TIMESTAMP) r
  asof left join step_sessions m on r.visitor_id = m.visitor_id and r.ts >= m.started_at
)
select strftime(ts, '%Y-%m-%d') as day, site, hash(visitor_id) as vid, visitor_id, session_id, epoch_us(ts) as ts_us, type, step_id, amount
from (select * from steps_probe union all select * from steps_raw_s)
where {{site_filter}}
