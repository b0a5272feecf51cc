-- An incremental run's publication (in the pipeline's transaction): the re-done sessions of the affected visitors (all
-- of a visitor's when it is re-done whole, else those from cut_ts on, delta.sql) are replaced by the recomputed ones
-- (tables.sql, run over their events only); views.sql follows. The days their old and new sessions cover are logged
-- first by the pipeline (change_days), while the old rows are still there.
delete from event_sessions s using norm_affected a where s.vkey = a.vkey and s.session_no > a.kept;
insert into event_sessions by name select * from event_sessions__staged;
drop table event_sessions__staged;

delete from sessions_core c using norm_affected a where c.vkey = a.vkey and (a.cut_ts is null or c.started_at >= a.cut_ts);
-- the kept sessions of a visitor whose re-done ones raised the probe's visit shift move with it (norm_shift)
update sessions_core c set visit_number = c.visit_number + d.delta, is_returning = c.visit_number + d.delta > 1
from norm_shift d where c.vkey = d.vkey;
insert into sessions_core by name select * from sessions_core__staged;
drop table sessions_core__staged;

delete from visitors where hash(site, visitor_id) in (select vkey from norm_affected);
insert into visitors by name select * from visitors__staged;
drop table visitors__staged;

-- sources: the new ones the sessions name, and none that no session names any more
insert into session_sources by name select * from session_sources__staged s where s.source_key not in (select source_key from session_sources);
drop table session_sources__staged;
delete from session_sources where source_key not in (select source_key from sessions_core where source_key is not null);

-- places and devices are rebuilt from the parse maps every run (small)
drop view if exists sessions;
drop table if exists session_places;
alter table session_places__staged rename to session_places;
drop table if exists session_devices;
alter table session_devices__staged rename to session_devices;
