-- The `events` view's SELECT (views.sql): every raw probe event with its session columns (event_sessions), joined on
-- the permanent event_key. Over raw_probe_events, or (an incremental run's readers: eventsOf in views.ts) over the few
-- raw rows they re-do, so DuckDB joins event_sessions to those rows only: filtering the view hashes every stored one.
select
  e.event_id, e.site, e.visitor_id,
  e.site || '/' || e.visitor_id || '/' || s.session_no as session_id,
  e.ts, e.type, e.url, e.title, e.x, e.y, e.selector, e.member_id, e.directive_id, e.ref_id, e.value,
  s.seq_in_session, s.dwell_s, s.is_bot, s.engaged_s
from {{raw_probe_events}} e
join event_sessions s on s.event_key = e.event_key
