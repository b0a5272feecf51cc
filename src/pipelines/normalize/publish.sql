-- Puts the staged tables of tables.sql in place (in the pipeline's transaction: all or nothing); events_view.sql
-- follows.
drop table if exists sessions;
alter table sessions__staged rename to sessions;
drop table if exists event_sessions;
alter table event_sessions__staged rename to event_sessions;
drop table if exists visitors;
alter table visitors__staged rename to visitors;
