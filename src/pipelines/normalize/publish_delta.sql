-- An incremental run's publication (in the pipeline's transaction): the affected visitors' rows are replaced by the
-- recomputed ones (tables.sql, run over their events only); views.sql follows. The days their old and new sessions
-- cover are logged first by the pipeline (change_days), while the old rows are still there.
delete from event_sessions where vkey in (select vkey from norm_affected);
insert into event_sessions by name select * from event_sessions__staged;
drop table event_sessions__staged;

delete from sessions_core where vkey in (select vkey from norm_affected);
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
