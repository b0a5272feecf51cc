-- Once per run, after tables.sql has staged every set of visitors: the places and devices dimensions (from the parse
-- maps, small) and one row per visitor of the staged sessions (its sessions may come from any batch: visitors are
-- whole in one batch, but this is one pass over the sessions anyway), read from the staged sessions and,
-- in an incremental run the sessions it keeps of the visitors it re-does (their visits: the highest visit number is
-- always a re-done session's).
create or replace table session_places__staged as
select distinct on (place_key) hash(country, province, city, isp) as place_key, country, province, city, isp from ip_geo_map;

create or replace table session_devices__staged as
select distinct on (ua_h) hash(user_agent) as ua_h, browser, os, device_type, bot_name, brand, model, app from ua_map;

create or replace {{temp}} table visitors__staged as
select c.site, c.visitor_id,
  min(c.started_at) as first_seen,
  max(c.ended_at) as last_seen,
  max(c.visit_number)::INTEGER as visits,
  count(*)::INTEGER as sessions,
  arg_max(c.member_id, c.started_at) filter (where c.member_id is not null) as member_id,
  arg_max(p.province, c.started_at) filter (where p.province is not null) as province,
  arg_max(p.city, c.started_at) filter (where p.city is not null) as city,
  bool_and(c.is_bot) as is_bot
from {{visitor_sessions}} c
left join session_places__staged p using (place_key)
group by c.site, c.visitor_id;
