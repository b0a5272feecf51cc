-- Puts the staged tables of tables.sql in place (in the pipeline's transaction: all or nothing) and (re)creates
-- the `events` view: every raw probe event with its session columns, joined on the permanent event_key.
drop table if exists sessions;
alter table sessions__staged rename to sessions;
drop table if exists event_sessions;
alter table event_sessions__staged rename to event_sessions;
drop table if exists visitors;
alter table visitors__staged rename to visitors;

create or replace view events as
select
  e.event_id, e.site, e.visitor_id,
  e.site || '/' || e.visitor_id || '/' || s.session_no as session_id,
  e.ts, e.type, e.url, e.title, e.x, e.y, e.selector, e.member_id, e.directive_id, e.ref_id, e.value,
  s.seq_in_session, s.dwell_s, s.is_bot, s.engaged_s
from raw_probe_events e
join event_sessions s on s.event_key = e.event_key;
