-- The views over the normalized tables (run by normalize after publish.sql).
-- `events`: every raw probe event with its session columns (event_sessions), joined on the permanent event_key: the
-- raw text is stored once.
create or replace view events as
select
  e.event_id, e.site, e.visitor_id,
  e.site || '/' || e.visitor_id || '/' || s.session_no as session_id,
  e.ts, e.type, e.url, e.title, e.x, e.y, e.selector, e.member_id, e.directive_id, e.ref_id, e.value,
  s.seq_in_session, s.dwell_s, s.is_bot, s.engaged_s
from raw_probe_events e
join event_sessions s on s.event_key = e.event_key;

-- `sessions`: one row per visit, its repetitive text from the three small dimension tables (sessions.sql).
create or replace view sessions as
{{sessions}};
