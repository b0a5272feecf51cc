-- Marketing marts: compact, integer-keyed copies of what the funnel and keyword reports read, so a report on
-- tens of millions of events scans a few million narrow rows. A full run builds `mart_sessions` as the mart from every
-- session (`sessions` is the view, `kept_last` empty); an incremental run inserts the rows it re-does (`sessions`: the
-- changed visitors' sessions from their from_ts) beside the rows it kept of mart_sessions.

-- One row per non-bot session with its breakdown dimensions and its classified intent.
-- {{write}}: `create or replace table mart_sessions as` (full) or `insert into mart_sessions by name` (incremental)
{{write}}
with s as (
  select * from {{sessions}} s where not coalesce(s.is_bot, false)
)
select
  hash(s.session_id) as session_key,
  hash(s.site, s.visitor_id) as visitor_key,
  s.session_id, s.site, s.visitor_id, s.visit_number, s.is_returning, s.started_at, s.ended_at,
  s.entry_url, s.exit_url, s.medium, s.source, s.term, s.term_raw, s.campaign,
  s.country, s.province, s.city, s.isp, s.browser, s.os, s.device_type, s.member_id,
  si.intent,
  -- the visitor's previous session: the first session of a visitor in [from, to) is the one whose previous
  -- session started before `from` (or that has none), so the funnel picks entry sessions with a filter, not a GROUP BY.
  -- The first session an incremental run re-does follows the last one it kept (`kept_last`: site, visitor_id,
  -- last_started_at; every kept session started before every re-done one)
  coalesce(
    lag(s.started_at) over (partition by s.site, s.visitor_id order by s.started_at, s.session_id),
    k.last_started_at
  ) as prev_started_at
from s
left join {{intents}} si on si.session_id = s.session_id
left join {{kept_last}} k on k.site = s.site and k.visitor_id = s.visitor_id
order by s.started_at;
