-- The views over the normalized tables (run by normalize after publish.sql).
-- `events`: every raw probe event with its session columns (event_sessions), joined on the permanent event_key: the
-- raw text is stored once.
create or replace view events as
{{events}};

-- `sessions`: one row per visit, its repetitive text from the three small dimension tables (sessions.sql).
create or replace view sessions as
{{sessions}};
