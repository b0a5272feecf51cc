-- `sessions` becomes a view over sessions_core and three small dimension tables (normalize's tables.sql and
-- views.sql), so the old materialized table goes; normalize rebuilds it on its next run (its SQL changed).
drop table if exists sessions;
