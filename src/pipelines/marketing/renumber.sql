-- An incremental run, after re-inserting the changed visitors' rows from their from_ts: the kept mart_sessions rows of
-- visitors whose visit numbers moved upstream (mart_changed.renumbered_from: normalize renumbered sessions it kept,
-- nothing else of them changed) take their visit_number and is_returning from sessions_core. visitor_key is
-- sessions_core's vkey (hash of site and visitor id). The funnel steps carry no visit numbers. Re-doing these sessions
-- instead would take the run's scans back to each such visitor's first session.
create or replace temp table mart_renumbered as
select distinct m.visitor_key from mart_sessions m join mart_changed chg using (visitor_id)
where chg.renumbered_from is not null and m.started_at >= chg.renumbered_from;

update mart_sessions m set visit_number = c.visit_number, is_returning = c.is_returning
from sessions_core c
where c.vkey in (select visitor_key from mart_renumbered) and m.visitor_key in (select visitor_key from mart_renumbered)
  and c.session_id = m.session_id and m.visit_number is distinct from c.visit_number;

drop table mart_renumbered;
