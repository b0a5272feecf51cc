-- Sessionization with window functions over each visitor's events in time order (non-pageview events that share
-- a second with a pageview sort first: they happened on the page being left).
-- A new session starts after {{inactivity_s}} s without events, or (when {{split_on_campaign}}) at a pageview whose
-- traffic-source key (medium, source, keyword, campaign) differs from the last key seen since the inactivity split.
create or replace temp table norm_seq as
with ordered as (
  select *,
    row_number() over w as rn,
    lag(ts) over w as prev_ts
  from norm_ev
  window w as (partition by vkey order by ts, is_pv, rid)
), segmented as (
  select *,
    prev_ts is null or epoch(ts) - epoch(prev_ts) > {{inactivity_s}} as new_seg
  from ordered
), keyed as (
  select *,
    max(case when new_seg then rn end) over v as seg_start_rn,
    last_value(attr_key ignore nulls) over v1 as prev_key,
    max(case when attr_key is not null then rn end) over v1 as prev_key_rn
  from segmented
  window v as (partition by vkey order by rn rows between unbounded preceding and current row),
         v1 as (partition by vkey order by rn rows between unbounded preceding and 1 preceding)
), split as (
  select *,
    new_seg or ({{split_on_campaign}} and attr_key is not null
                and attr_key is distinct from (case when prev_key_rn >= seg_start_rn then prev_key end)) as new_session
  from keyed
)
select rid, vkey, ts, rn, is_pv, is_action, is_bot, visit_count, ip_h, ua_h, member_id,
  sum(new_session::INTEGER) over v as session_no,
  max(case when new_session then rn end) over v as session_start_rn,
  sum(is_pv::INTEGER) over v as page_idx,
  -- engaged seconds this event adds: the time since the previous event of the same page, when the event shows a
  -- present visitor (a visible heartbeat or a visitor action; not a pageview, not a system event)
  case when not new_session and not is_pv and not is_system and visible
       then epoch(ts) - epoch(prev_ts) else 0 end as engaged_add_s
from split
window v as (partition by vkey order by rn rows between unbounded preceding and current row);
