-- The intermediate tables: events, sessions, visitors (docs/schema.md, "Intermediate: visitor intelligence").
create or replace table sessions as
with agg as (
  select site, visitor_id, session_no,
    min(ts) as started_at,
    max(ts) as ended_at,
    count(*) filter (where type = 'pageview') as pageviews,
    count(*) as events,
    count(*) filter (where type not in ('pageview', 'heartbeat', 'invite_shown')) as engagement_events,
    arg_min(url, rn) filter (where type = 'pageview') as entry_url,
    arg_max(url, rn) filter (where type = 'pageview') as exit_url,
    arg_min(title, rn) filter (where type = 'pageview') as entry_title,
    arg_min(medium, rn) filter (where type = 'pageview') as medium,
    arg_min(source, rn) filter (where type = 'pageview') as source,
    arg_min(term, rn) filter (where type = 'pageview') as term,
    arg_min(term_raw, rn) filter (where type = 'pageview') as term_raw,
    arg_min(campaign, rn) filter (where type = 'pageview') as campaign,
    arg_min(referrer, rn) filter (where type = 'pageview') as referrer,
    arg_min(ip, rn) filter (where ip is not null and ip <> '') as ip,
    arg_min(user_agent, rn) filter (where user_agent is not null) as user_agent,
    bool_or(is_bot) as is_bot,
    arg_max(member_id, rn) filter (where member_id is not null and member_id <> '') as member_id,
    max(visit_count) as probe_visit_count
  from norm_seq
  group by site, visitor_id, session_no
), engaged as (
  select site, visitor_id, session_no, sum(engaged_s) as engaged_s from norm_pages group by site, visitor_id, session_no
), numbered as (
  -- the probe's own visit counter knows visits before the data began: shift our ordinal by what it says
  select *, session_no + greatest(0, coalesce(max(probe_visit_count - session_no) over (partition by site, visitor_id), 0)) as visit_number
  from agg
)
select
  n.site || '/' || n.visitor_id || '/' || n.session_no as session_id,
  n.site, n.visitor_id,
  n.visit_number::INTEGER as visit_number,
  n.visit_number > 1 as is_returning,
  n.started_at, n.ended_at,
  (epoch(n.ended_at) - epoch(n.started_at))::DOUBLE as duration_s,
  coalesce(g.engaged_s, 0)::DOUBLE as engaged_s,
  n.pageviews::INTEGER as pageviews,
  n.events::INTEGER as events,
  n.entry_url, n.exit_url, n.entry_title,
  n.pageviews = 1 and n.engagement_events = 0 as bounce,
  coalesce(n.medium, 'direct') as medium, n.source, n.term, n.term_raw, n.campaign, n.referrer,
  geo.country, geo.province, geo.city, geo.isp,
  ua.browser, ua.os, coalesce(ua.device_type, 'other') as device_type,
  n.is_bot, n.member_id,
  case when {{anonymize_ip}} then null else n.ip end as ip,
  ua.bot_name,
  n.engagement_events::INTEGER as engagement_events
from numbered n
left join engaged g using (site, visitor_id, session_no)
left join ip_geo_map geo on geo.ip = n.ip
left join ua_map ua on ua.user_agent = n.user_agent;

create or replace table events as
select
  q.event_id, q.site, q.visitor_id,
  q.site || '/' || q.visitor_id || '/' || q.session_no as session_id,
  q.ts, q.type, q.url, q.title, q.x, q.y, q.selector, q.member_id, q.directive_id, q.ref_id, q.value,
  (q.rn - q.session_start_rn + 1)::INTEGER as seq_in_session,
  p.dwell_s,
  q.is_bot,
  p.engaged_s,
  q.medium, q.source, q.term
from norm_seq q
left join norm_pages p on p.site = q.site and p.visitor_id = q.visitor_id
  and p.session_no = q.session_no and p.page_idx = case when q.type = 'pageview' then q.page_idx end;

create or replace table visitors as
select site, visitor_id,
  min(started_at) as first_seen,
  max(ended_at) as last_seen,
  max(visit_number)::INTEGER as visits,
  count(*)::INTEGER as sessions,
  arg_max(member_id, started_at) filter (where member_id is not null) as member_id,
  arg_max(province, started_at) filter (where province is not null) as province,
  arg_max(city, started_at) filter (where city is not null) as city,
  bool_and(is_bot) as is_bot
from sessions
group by site, visitor_id;

drop table if exists norm_pages;
drop table if exists norm_seq;
drop table if exists norm_ev;
