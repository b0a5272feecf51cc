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

-- `sessions`: one row per visit, its repetitive text from the three small dimension tables (tables.sql).
create or replace view sessions as
select
  c.session_id, c.site, c.visitor_id, c.visit_number, c.is_returning, c.started_at, c.ended_at, c.duration_s, c.engaged_s,
  c.pageviews, c.events, c.entry_url, c.exit_url, c.entry_title, c.bounce,
  coalesce(s.medium, 'direct') as medium, s.source, s.term, s.term_raw, s.campaign, c.referrer,
  p.country, p.province, p.city, p.isp,
  d.browser, d.os, coalesce(d.device_type, 'other') as device_type,
  c.is_bot, c.member_id, c.ip, d.bot_name, c.engagement_events,
  d.brand as device_brand, d.model as device_model, d.app as in_app
from sessions_core c
left join session_sources s on s.source_key = c.source_key
left join session_places p on p.place_key = c.place_key
left join session_devices d on d.ua_h = c.ua_h;
