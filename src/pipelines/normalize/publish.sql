-- Puts the staged tables of tables.sql in place (in the pipeline's transaction: all or nothing); views.sql follows.
drop view if exists sessions;
drop table if exists sessions_core;
alter table sessions_core__staged rename to sessions_core;
drop table if exists session_sources;
alter table session_sources__staged rename to session_sources;
drop table if exists session_places;
alter table session_places__staged rename to session_places;
drop table if exists session_devices;
alter table session_devices__staged rename to session_devices;
drop table if exists event_sessions;
alter table event_sessions__staged rename to event_sessions;
drop table if exists visitors;
alter table visitors__staged rename to visitors;
