-- Business steps (contacts and conversions) from the probe and the raw sources, one row per (type, step_id):
-- the probe's chat_request/lead/order events carry the conversation/lead/order id in ref_id, so a step seen
-- both by the probe and by the CRM counts once. Raw rows get the visitor's latest session that started at or
-- before them (ASOF join), as in the funnel. Shared by sources, geo, exits and attribution.
-- Steps before --from are skipped: they can belong to no session that started in the range.
step_sessions as (
  select session_id, site, visitor_id, started_at from sessions
  where not coalesce(is_bot, false) and {{site_filter}}
),
steps_probe as (
  select site, visitor_id, session_id, ts, type, coalesce(ref_id, event_id) as step_id, value as amount
  from events
  where not coalesce(is_bot, false) and {{site_filter}} and ts >= $from::TIMESTAMP
    and type in ('chat_request', 'chat_start', 'message', 'lead', 'register', 'order')
),
steps_raw as (
  select site, visitor_id, offered_at as ts, 'call_' || direction as type, call_id as step_id, null::DOUBLE as amount
  from raw_calls where {{site_filter_nullable}}
  union all
  select site, visitor_id, requested_at, 'chat_request', conversation_id, null from raw_conversations where {{site_filter_nullable}}
  union all
  select site, visitor_id, answered_at, 'chat_start', conversation_id, null from raw_conversations where answered_at is not null and {{site_filter_nullable}}
  union all
  select site, visitor_id, ts, 'lead', lead_id, null from raw_leads where {{site_filter_nullable}}
  union all
  select site, visitor_id, ts, 'order', order_id, amount from raw_orders where {{site_filter_nullable}}
),
steps_raw_s as (
  select coalesce(r.site, m.site) as site, r.visitor_id, m.session_id, r.ts, r.type, r.step_id, r.amount
  from steps_raw r asof left join step_sessions m
    on r.visitor_id = m.visitor_id and r.ts >= m.started_at
),
steps as (
  select type, step_id, min(ts) as ts,
    arg_min(site, ts) filter (where site is not null) as site,
    arg_min(visitor_id, ts) filter (where visitor_id is not null) as visitor_id,
    arg_min(session_id, ts) filter (where session_id is not null) as session_id,
    max(amount) as amount
  from (select * from steps_probe union all select * from steps_raw_s)
  where ts >= $from::TIMESTAMP
  group by type, step_id
),
-- contact = the visitor reached out (chat request, left message, inbound call); conversion = lead or order
session_outcomes as (
  select session_id,
    bool_or(type in ('chat_request', 'message', 'call_inbound')) as inquiry,
    bool_or(type = 'lead') as lead,
    bool_or(type = 'order') as ordered
  from steps where session_id is not null
  group by session_id
)
