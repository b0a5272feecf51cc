-- Sessionization: two window passes over each visitor's events in time order (non-pageview events that share a
-- second with a pageview sort first: they happened on the page being left), then plain expressions.
-- A new session starts after {{inactivity_s}} s without events, or (when {{split_on_campaign}}) at a pageview whose
-- traffic-source key (medium, source, keyword, campaign) differs from the last key seen in the same stretch of
-- activity ("segment": events with no gap above {{inactivity_s}} s), or that is the first key of its segment.
--
-- A session is identified without a third pass by sess_key = (segment number, number of key changes so far, whether
-- the segment has shown a key yet): within a segment, each new session changes exactly one of the last two parts
-- (docs/metrics.md "Sessions and visits"); both only grow, so sess_key orders the visitor's sessions.
create or replace temp table norm_seq as
with pass_a as (
  select *,
    row_number() over w as rn,
    lag(ts) over w as prev_ts,
    lead(ts) over w as next_ts,
    lead(is_pv) over w as next_is_pv,
    lead(attr_key) over w as next_key,
    -- the last traffic-source key before this event (any segment) and when it was seen
    last_value(attr_key ignore nulls) over (w rows between unbounded preceding and 1 preceding) as prev_key,
    last_value(case when attr_key is not null then ts end ignore nulls) over (w rows between unbounded preceding and 1 preceding) as prev_key_ts
  from norm_ev
  window w as (partition by vkey order by ts, is_pv, rid)
), flagged as (
  select *,
    prev_ts is null or epoch(ts) - epoch(prev_ts) > {{inactivity_s}} as new_seg,
    next_ts is not null and epoch(next_ts) - epoch(ts) > {{inactivity_s}} as next_new_seg,
    attr_key is not null and attr_key is distinct from prev_key as key_change
  from pass_a
), pass_b as (
  select *,
    sum(new_seg::INTEGER) over v as seg_no,
    max(case when new_seg then ts end) over v as seg_start_ts,
    sum(key_change::INTEGER) over v as key_changes,
    sum(is_pv::INTEGER) over v as page_idx
  from flagged
  window v as (partition by vkey order by rn rows between unbounded preceding and current row)
), keyed as (
  select *,
    -- a key was seen earlier in this segment (every event of the segment is at or after its start; every earlier
    -- event is more than {{inactivity_s}} s before it)
    coalesce(prev_key_ts >= seg_start_ts, false) as key_seen_before,
    attr_key is not null or coalesce(prev_key_ts >= seg_start_ts, false) as key_seen
  from pass_b
), split as (
  select *,
    new_seg or ({{split_on_campaign}} and attr_key is not null and (key_change or not key_seen_before)) as new_session,
    -- the next event starts a new session (same rule, seen from this event: its previous key is this one's last)
    next_ts is not null and (next_new_seg or ({{split_on_campaign}} and next_key is not null
      and (next_key is distinct from coalesce(attr_key, prev_key) or not key_seen))) as next_new_session
  from keyed
)
select rid, event_key, vkey, ts, rn, is_pv, is_action, is_bot, visit_count, ip_h, ua_h, member_id, page_idx,
  case when {{split_on_campaign}} then (seg_no::BIGINT << 33) | (key_changes::BIGINT << 1) | key_seen::BIGINT
       else seg_no::BIGINT end as sess_key,
  -- where the page this event belongs to ends, seen from this event: at the next pageview of the same session,
  -- else (the page's last event before a new session or the end) at this event
  case when next_is_pv and not next_new_session then next_ts else ts end as page_end_ts,
  -- engaged seconds this event adds: the time since the previous event of the same page, when the event shows a
  -- present visitor (a visible heartbeat or a visitor action; not a pageview, not a system event)
  case when not new_session and not is_pv and not is_system and visible
       then epoch(ts) - epoch(prev_ts) else 0 end as engaged_add_s
from split;
