-- Every step a funnel stage can name, except page-level events (PAGE_LEVEL_EVENT_TYPES, src/vocab/events.ts: the
-- report reads those from `events` directly). Calls, conversations, CRM leads and orders get the visitor's
-- latest session that started at or before them (of any site: calls and CRM rows match the visitor id: `sessions` is
-- the whole mart_sessions, or the changed visitors' part of it). vid (hash of the visitor id) and ts are what an
-- incremental run replaces a visitor's steps by: `only_raw` keeps the steps of the changed visitors at or after their
-- from_ts, `mart_sessions` holds the sessions it re-did (a full run: every step, every session), and `events` is the
-- view or (an incremental run) the changed visitors' raw rows from their from_ts with their sessions (eventsOf).
-- {{write}}: `create or replace table mart_funnel_steps as` (full) or `insert into mart_funnel_steps by name`
{{write}}
with raw_steps as (
  select site, visitor_id, offered_at as ts, 'call_' || direction as type from raw_calls where visitor_id is not null
  union all
  select site, visitor_id, requested_at, 'chat_request' from raw_conversations where visitor_id is not null
  union all
  select site, visitor_id, ts, 'lead' from raw_leads where visitor_id is not null
  union all
  select site, visitor_id, ts, 'order' from raw_orders where visitor_id is not null
),
raw_with_session as (
  select coalesce(r.site, m.site) as site, hash(coalesce(r.site, m.site), r.visitor_id) as visitor_key, m.session_key, r.ts, r.type,
    hash(r.visitor_id) as vid
  from (select * from raw_steps r where {{only_raw}}) r asof left join (select site, visitor_id, session_key, started_at from {{sessions}}) m
    on r.visitor_id = m.visitor_id and r.ts >= m.started_at
)
select * from (
  select site, visitor_key, session_key, started_at as ts, 'session_start' as type, hash(visitor_id) as vid from {{mart_sessions}}
  union all
  select e.site, hash(e.site, e.visitor_id), hash(e.session_id), e.ts, e.type, hash(e.visitor_id)
  from {{events}} e
  where not coalesce(e.is_bot, false) and e.type not in ({{page_level_types}})
  union all
  select * from raw_with_session
)
order by ts;
