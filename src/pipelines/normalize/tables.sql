-- The intermediate tables of one set of visitors (all of them, an incremental run's, or one batch of a full rebuild),
-- appended to the tables staged.sql created: sessions_core and its sources (the `sessions` view of views.sql joins
-- them with the places and devices of dimensions.sql), event_sessions (docs/schema.md, "Intermediate: visitor
-- intelligence"); publish.sql puts them in place. The dimensions keep the repetitive text (source, place, device) out
-- of the 1-row-per-visit table: DuckDB spends most of a big table's write on its text columns.
create or replace temp table norm_sess as
with agg as (
  select vkey, seg_start_rn, sess_sub,
    min(ts) as started_at,
    max(ts) as ended_at,
    min(rn) as first_rn,
    count(*) filter (where is_pv) as pageviews,
    count(*) as events,
    count(*) filter (where is_action) as engagement_events,
    arg_min(rid, rn) as first_rid,
    arg_min(rid, rn) filter (where is_pv) as entry_rid,
    arg_max(rid, rn) filter (where is_pv) as exit_rid,
    arg_min(ip_h, rn) filter (where ip_h is not null) as ip_h,
    arg_min(ua_h, rn) filter (where ua_h is not null) as ua_h,
    arg_max(member_rid, rn) filter (where member_rid is not null) as member_rid,
    bool_or(is_bot) as is_bot,
    max(visit_count) as probe_visit_count
  from norm_seq
  group by vkey, seg_start_rn, sess_sub
), numbered as (
  -- {{kept}}: the sessions an incremental run keeps before these (delta.sql), else 0
  select a.*, row_number() over (partition by a.vkey order by a.first_rn) + {{kept}} as session_no, {{kept_shift}} as kept_shift
  from agg a {{kept_join}}
), engaged as (
  select vkey, seg_start_rn, sess_sub, sum(engaged_s) as engaged_s from norm_pages group by vkey, seg_start_rn, sess_sub
)
-- the probe's own visit counter knows visits before the data began: shift our ordinal by what it says (in any of the
-- visitor's sessions: kept_shift is what the kept ones say)
select a.*, coalesce(g.engaged_s, 0) as engaged_s,
  session_no + greatest(kept_shift, coalesce(max(probe_visit_count - session_no) over (partition by vkey), 0)) as visit_number
from numbered a
left join engaged g using (vkey, seg_start_rn, sess_sub);

-- the raw text of the few rows sessions quote: the entry pageview (the first event when the session has no
-- pageview: it still names the site and visitor), the exit pageview and the last identified member's event
create or replace temp table norm_quoted as
select e.{{rowid}} as rid, e.site, e.visitor_id, e.url, e.title, e.referrer, e.member_id
from {{raw}} e
where e.{{rowid}} in (select coalesce(entry_rid, first_rid) from norm_sess union all select exit_rid from norm_sess
                  union all select member_rid from norm_sess where member_rid is not null);

-- Each distinct traffic source, place and device once, keyed by a hash of its values (DISTINCT ON keeps the key
-- unique even if two ever collided; an earlier batch may have staged it already). Sources: those of session entries
-- (what the sessions view shows), so an incremental run adds the new ones and drops those no session names any more
-- (publish_delta.sql).
insert into session_sources__staged by name
select distinct on (source_key) source_key, medium, source, term, term_raw, campaign from norm_attr
where rid in (select entry_rid from norm_sess where entry_rid is not null)
  and source_key not in (select source_key from session_sources__staged);

insert into sessions_core__staged by name
select
  f.site || '/' || f.visitor_id || '/' || n.session_no as session_id,
  f.site, f.visitor_id,
  n.visit_number::INTEGER as visit_number,
  n.visit_number > 1 as is_returning,
  n.started_at, n.ended_at,
  (epoch(n.ended_at) - epoch(n.started_at))::DOUBLE as duration_s,
  n.engaged_s::DOUBLE as engaged_s,
  n.pageviews::INTEGER as pageviews,
  n.events::INTEGER as events,
  case when n.entry_rid is not null then f.url end as entry_url, exit.url as exit_url,
  case when n.entry_rid is not null then f.title end as entry_title,
  n.pageviews = 1 and n.engagement_events = 0 as bounce,
  a.source_key,
  case when n.entry_rid is not null then f.referrer end as referrer,
  case when geo.ip is not null then hash(geo.country, geo.province, geo.city, geo.isp) end as place_key,
  n.ua_h,
  n.is_bot, member.member_id,
  case when {{anonymize_ip}} then null else geo.ip end as ip,
  n.engagement_events::INTEGER as engagement_events,
  -- the probe's visit counter (its highest in the session): what an incremental run that keeps this session needs
  n.probe_visit_count::INTEGER as probe_visits,
  -- the sessionization key (hash of site and visitor id): incremental runs replace a visitor's rows by it
  n.vkey
from norm_sess n
join norm_quoted f on f.rid = coalesce(n.entry_rid, n.first_rid)
left join norm_quoted exit on exit.rid = n.exit_rid
left join norm_quoted member on member.rid = n.member_rid
left join norm_attr a on a.rid = n.entry_rid
left join (select hash(ip) as ip_h, ip, country, province, city, isp from ip_geo_map) geo on geo.ip_h = n.ip_h;

-- Each event's session, position and (pageviews) dwell, keyed by the raw row's event_key: narrow, so writing it costs
-- little; the `events` view adds the raw columns. Pageviews come from norm_pages, the other events from norm_seq.
-- vkey: the visitor's sessionization key, by which an incremental run finds and replaces a visitor's events.
insert into event_sessions__staged by name
select p.pv_key as event_key, n.session_no::INTEGER as session_no, (p.pv_rn - n.first_rn + 1)::INTEGER as seq_in_session,
  p.dwell_s, p.engaged_s, p.is_bot, p.vkey
from norm_pages p
join norm_sess n using (vkey, seg_start_rn, sess_sub)
union all
select q.event_key, n.session_no::INTEGER, (q.rn - n.first_rn + 1)::INTEGER, null::DOUBLE, null::DOUBLE, q.is_bot, q.vkey
from norm_seq q
join norm_sess n using (vkey, seg_start_rn, sess_sub)
where not q.is_pv;

drop table if exists norm_quoted;
drop table if exists norm_sess;
drop table if exists norm_pages;
drop table if exists norm_seq;
drop view if exists norm_ev;
drop table if exists norm_attr;
