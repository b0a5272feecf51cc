-- An incremental run's input: the visitors with events new since the last run ({{from}} < event_key), or with events
-- deleted since (a replaced file, retention: in event_sessions but no longer in raw_probe_events, when {{deleted}}).
-- Sessions, visit numbers and dwell depend on a visitor's events within a stretch of activity (a "segment": no gap
-- above {{inactivity_s}} s, sessionize.sql) and on nothing before it but the count of earlier sessions and the probe's
-- visit counter. So a visitor whose new events all come more than {{inactivity_s}} s after the end of some of its
-- segments keeps those segments' sessions as they are ("kept") and is re-done from there on; a visitor with deleted
-- events, or whose new events join or precede its first segment, is re-done whole (kept = 0). Other visitors' rows stay.

-- the visitors whose events were deleted: re-done whole
create or replace temp table norm_gone as
select distinct s.vkey from event_sessions s anti join raw_probe_events r using (event_key)
where {{deleted}};

create or replace temp table norm_new as
select hash(site, visitor_id) as vkey, site, visitor_id, min(ts) as t_new
from raw_probe_events
where event_key > {{from}}
group by site, visitor_id;

-- Per affected visitor: kept (how many of its first sessions stay), cut_ts (where the re-done events start: NULL when
-- it is re-done whole), kept_shift (what the kept sessions' probe visit counters add to the visit numbers, tables.sql)
-- and old_shift (what was added before: visit_number - session number; the kept sessions' visit numbers move if the
-- shift grows).
create or replace temp table norm_affected as
with old as (
  select c.vkey, c.started_at, c.ended_at, c.visit_number, c.probe_visits,
    -- visit numbers are the session numbers plus one shift per visitor, so they order and count its sessions exactly
    c.visit_number - min(c.visit_number) over (partition by c.vkey) + 1 as session_no,
    min(c.visit_number) over (partition by c.vkey) - 1 as old_shift,
    lag(c.ended_at) over (partition by c.vkey order by c.visit_number) as prev_end
  from sessions_core c
  where c.vkey in (select vkey from norm_new) and c.vkey not in (select vkey from norm_gone)
), segments as (
  select *,
    sum(case when prev_end is null or epoch(started_at) - epoch(prev_end) > {{inactivity_s}} then 1 else 0 end)
      over (partition by vkey order by session_no rows unbounded preceding) as seg_no
  from old
), judged as (
  select g.*, epoch(n.t_new) - epoch(max(g.ended_at) over (partition by g.vkey, g.seg_no)) > {{inactivity_s}} as kept
  from segments g join norm_new n using (vkey)
), per_visitor as (
  select vkey,
    count(*) filter (where kept) as kept,
    count(*) as old_sessions,
    min(started_at) filter (where not kept) as first_redone,
    greatest(0, coalesce(max(probe_visits - session_no) filter (where kept), 0)) as kept_shift,
    any_value(old_shift) as old_shift
  from judged
  group by vkey
)
select n.vkey, n.site, n.visitor_id,
  coalesce(p.kept, 0)::INTEGER as kept,
  case when coalesce(p.kept, 0) > 0 then least(n.t_new, coalesce(p.first_redone, n.t_new)) end as cut_ts,
  case when coalesce(p.kept, 0) > 0 then p.kept_shift else 0 end::INTEGER as kept_shift,
  coalesce(p.old_shift, 0)::INTEGER as old_shift,
  p.old_sessions is not null as known
from norm_new n
left join per_visitor p using (vkey)
where n.vkey not in (select vkey from norm_gone);

insert into norm_affected
select distinct c.vkey, c.site, c.visitor_id, 0, null::TIMESTAMP, 0, 0, true
from sessions_core c
where c.vkey in (select vkey from norm_gone);

drop table norm_gone;
drop table norm_new;

-- the keys of the older raw rows to sessionize again: the events of the re-done sessions (source.sql reads them)
create or replace temp table norm_old_keys as
select s.event_key from event_sessions s join norm_affected a using (vkey) where s.session_no > a.kept;
