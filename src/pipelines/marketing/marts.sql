-- Marketing marts: compact, integer-keyed copies of what the funnel and keyword reports read, so a report on
-- tens of millions of events scans a few million narrow rows. A full run builds {{mart_sessions}} and
-- {{mart_funnel_steps}} as the marts from every row ({{only}} is true); an incremental run builds them as deltas for
-- the visitor ids in mart_changed ({{only}} keeps those), which the pipeline puts in place of those visitors' rows.

-- One row per non-bot session with its breakdown dimensions and its classified intent.
create or replace table {{mart_sessions}} as
select
  hash(s.session_id) as session_key,
  hash(s.site, s.visitor_id) as visitor_key,
  s.session_id, s.site, s.visitor_id, s.visit_number, s.is_returning, s.started_at, s.ended_at,
  s.entry_url, s.exit_url, s.medium, s.source, s.term, s.term_raw, s.campaign,
  s.country, s.province, s.city, s.isp, s.browser, s.os, s.device_type, s.member_id,
  si.intent,
  -- the visitor's previous session: the first session of a visitor in [from, to) is the one whose previous
  -- session started before `from` (or that has none), so the funnel picks entry sessions with a filter, not a GROUP BY
  lag(s.started_at) over (partition by s.site, s.visitor_id order by s.started_at, s.session_id) as prev_started_at
from sessions s
left join {{intents}} si on si.session_id = s.session_id
where not coalesce(s.is_bot, false) and {{only}}
order by s.started_at;

-- Every step a funnel stage can name, except page-level events (PAGE_LEVEL_EVENT_TYPES, src/vocab/events.ts: the
-- report reads those from `events` directly). Calls, conversations, CRM leads and orders get the visitor's
-- latest session that started at or before them (of any site: calls and CRM rows match the visitor id). vid (hash of
-- the visitor id) is what an incremental run replaces a visitor's steps by.
create or replace table {{mart_funnel_steps}} as
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
  from (select * from raw_steps where {{only}}) r asof left join (select site, visitor_id, session_key, started_at from {{mart_sessions}}) m
    on r.visitor_id = m.visitor_id and r.ts >= m.started_at
)
select * from (
  select site, visitor_key, session_key, started_at as ts, 'session_start' as type, hash(visitor_id) as vid from {{mart_sessions}}
  union all
  select e.site, hash(e.site, e.visitor_id), hash(e.session_id), e.ts, e.type, hash(e.visitor_id)
  from events e
  where not coalesce(e.is_bot, false) and e.type not in ({{page_level_types}}) and {{only}}
  union all
  select * from raw_with_session
)
order by ts;
