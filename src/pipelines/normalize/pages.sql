-- One row per page view of a session (a pageview and the events after it, up to the next pageview or the session's
-- end; page_rn = the pageview's position): its dwell (to the next pageview of the session, else to the page's last
-- event, e.g. the last heartbeat; capped at {{max_dwell_s}} s) and its engaged seconds (never above the dwell).
create or replace temp table norm_pages as
with page as (
  select vkey, seg_start_rn, sess_sub, page_rn,
    any_value(event_key) filter (where is_pv) as pv_key,
    any_value(is_bot) filter (where is_pv) as is_bot,
    min(ts) filter (where is_pv) as pv_ts,
    max(page_end_ts) as end_ts,
    sum(engaged_add_s) as engaged_raw_s
  from norm_seq
  group by vkey, seg_start_rn, sess_sub, page_rn
  having count(*) filter (where is_pv) > 0
)
select pv_key, page_rn as pv_rn, vkey, seg_start_rn, sess_sub, is_bot,
  least(epoch(end_ts) - epoch(pv_ts), {{max_dwell_s}})::DOUBLE as dwell_s,
  least(engaged_raw_s, least(epoch(end_ts) - epoch(pv_ts), {{max_dwell_s}}))::DOUBLE as engaged_s
from page;
