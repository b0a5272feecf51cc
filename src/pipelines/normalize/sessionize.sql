-- Sessionization: two window passes over each visitor's events in time order (non-pageview events that share a
-- second with a pageview sort first: they happened on the page being left; remaining ties by a hash of the event id,
-- so the same data gives the same sessions however it was loaded), then plain expressions.
-- A new session starts after {{inactivity_s}} s without events, or (when {{split_on_campaign}}) at a pageview whose
-- traffic-source key (medium, source, keyword, campaign) differs from the last key seen in the same stretch of
-- activity ("segment": events with no gap above {{inactivity_s}} s), or that is the first key of its segment.
--
-- Only positional window functions (row_number, lag, lead, last_value): DuckDB computes them far faster than
-- running aggregates. A session is identified by (segment start, last key change in the segment, whether the
-- segment has shown a key yet): within a segment each new session changes one of the last two, and both only grow
-- (docs/metrics.md "Sessions and visits"). A page is identified by the position of its pageview.
create or replace temp table norm_seq as
with pass_a as (
  select *,
    row_number() over w as rn,
    lag(ts) over w as prev_ts,
    lead(ts) over w as next_ts,
    lead(is_pv) over w as next_is_pv,
    lead(attr_key) over w as next_key,
    -- the last traffic-source key before this event, in any segment
    last_value(attr_key ignore nulls) over (w rows between unbounded preceding and 1 preceding) as prev_key
  from norm_ev
  window w as (partition by vkey order by ts, is_pv, event_h)
), flagged as (
  select *,
    prev_ts is null or epoch(ts) - epoch(prev_ts) > {{inactivity_s}} as new_seg,
    next_ts is not null and epoch(next_ts) - epoch(ts) > {{inactivity_s}} as next_new_seg,
    attr_key is not null and attr_key is distinct from prev_key as key_change
  from pass_a
), pass_b as (
  select *,
    last_value(case when new_seg then rn end ignore nulls) over v as seg_start_rn,
    last_value(case when key_change then rn end ignore nulls) over v as key_change_rn,
    last_value(case when attr_key is not null then rn end ignore nulls) over (v rows between unbounded preceding and 1 preceding) as prev_key_rn,
    last_value(case when is_pv then rn end ignore nulls) over v as page_rn
  from flagged
  -- rn is unique per visitor: the default frame (up to the current row) is exactly the rows so far
  window v as (partition by vkey order by rn)
), keyed as (
  select *,
    coalesce(prev_key_rn >= seg_start_rn, false) as key_seen_before,
    attr_key is not null or coalesce(prev_key_rn >= seg_start_rn, false) as key_seen
  from pass_b
), split as (
  select *,
    new_seg or ({{split_on_campaign}} and attr_key is not null and (key_change or not key_seen_before)) as new_session,
    -- the next event starts a new session (same rule, seen from this event: its previous key is this one's last)
    next_ts is not null and (next_new_seg or ({{split_on_campaign}} and next_key is not null
      and (next_key is distinct from coalesce(attr_key, prev_key) or not key_seen))) as next_new_session
  from keyed
)
select rid, event_key, vkey, ts, rn, is_pv, is_action, is_bot, visit_count, ip_h, ua_h, member_rid, page_rn,
  seg_start_rn,
  case when {{split_on_campaign}}
       then (case when key_change_rn >= seg_start_rn then key_change_rn else 0 end::BIGINT << 1) | key_seen::BIGINT
       else 0 end as sess_sub,
  -- where the page this event belongs to ends, seen from this event: at the next pageview of the same session,
  -- else (the page's last event before a new session or the end) at this event
  case when next_is_pv and not next_new_session then next_ts else ts end as page_end_ts,
  -- engaged seconds this event adds: the time since the previous event of the same page, when the event shows a
  -- present visitor (a visible heartbeat or a visitor action; not a pageview, not a system event)
  case when not new_session and not is_pv and not is_system and visible
       then epoch(ts) - epoch(prev_ts) else 0 end as engaged_add_s
from split;
