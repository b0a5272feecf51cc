-- The `sessions` view's SELECT (views.sql): one row per visit, its repetitive text from the three small dimension
-- tables (tables.sql). Over sessions_core, or (an incremental run's readers: sessionsOf in views.ts) over the few rows
-- of it they re-do, so DuckDB joins the dimensions to those rows only, not to the whole history's.
select
  c.session_id, c.site, c.visitor_id, c.visit_number, c.is_returning, c.started_at, c.ended_at, c.duration_s, c.engaged_s,
  c.pageviews, c.events, c.entry_url, c.exit_url, c.entry_title, c.bounce,
  coalesce(s.medium, 'direct') as medium, s.source, s.term, s.term_raw, s.campaign, c.referrer,
  p.country, p.province, p.city, p.isp,
  d.browser, d.os, coalesce(d.device_type, 'other') as device_type,
  c.is_bot, c.member_id, c.ip, d.bot_name, c.engagement_events,
  d.brand as device_brand, d.model as device_model, d.app as in_app
from {{sessions_core}} c
left join session_sources s on s.source_key = c.source_key
left join session_places p on p.place_key = c.place_key
left join session_devices d on d.ua_h = c.ua_h
