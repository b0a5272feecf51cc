-- One row per page view of a session (pv_rid: the pageview's raw row): its dwell (to the next pageview of the
-- session, else to the page's last event, e.g. the last heartbeat; capped at {{max_dwell_s}} s) and its engaged
-- seconds (never above the dwell).
create or replace temp table norm_pages as
with page as (
  select vkey, session_no, page_idx,
    arg_min(rid, rn) filter (where is_pv) as pv_rid,
    min(ts) filter (where is_pv) as pv_ts,
    max(ts) as last_ts,
    sum(engaged_add_s) as engaged_raw_s
  from norm_seq
  group by vkey, session_no, page_idx
  having count(*) filter (where is_pv) > 0
), timed as (
  select *, lead(pv_ts) over (partition by vkey, session_no order by page_idx) as next_pv_ts
  from page
)
select pv_rid, vkey, session_no,
  least(epoch(coalesce(next_pv_ts, last_ts)) - epoch(pv_ts), {{max_dwell_s}})::DOUBLE as dwell_s,
  least(engaged_raw_s, least(epoch(coalesce(next_pv_ts, last_ts)) - epoch(pv_ts), {{max_dwell_s}}))::DOUBLE as engaged_s
from timed;
