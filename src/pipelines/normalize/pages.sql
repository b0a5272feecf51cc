-- One row per page view of a session (a pageview and the events after it, up to the next pageview or the session's
-- end): its dwell (to the next pageview of the session, else to the page's last event, e.g. the last heartbeat;
-- capped at {{max_dwell_s}} s) and its engaged seconds (never above the dwell).
create or replace temp table norm_pages as
with page as (
  select vkey, sess_key, page_idx,
    any_value(event_key) filter (where is_pv) as pv_key,
    any_value(rn) filter (where is_pv) as pv_rn,
    any_value(is_bot) filter (where is_pv) as is_bot,
    min(ts) filter (where is_pv) as pv_ts,
    max(page_end_ts) as end_ts,
    sum(engaged_add_s) as engaged_raw_s
  from norm_seq
  group by vkey, sess_key, page_idx
  having count(*) filter (where is_pv) > 0
)
select pv_key, pv_rn, vkey, sess_key, is_bot,
  least(epoch(end_ts) - epoch(pv_ts), {{max_dwell_s}})::DOUBLE as dwell_s,
  least(engaged_raw_s, least(epoch(end_ts) - epoch(pv_ts), {{max_dwell_s}}))::DOUBLE as engaged_s
from page;
