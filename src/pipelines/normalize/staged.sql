-- The staged tables tables.sql appends each set of visitors to (a full rebuild may run it once per batch of visitors),
-- empty; their columns are the published tables' (docs/schema.md). An incremental run's are temp tables ({{temp}}): it
-- copies their rows into the published tables, so writing them to the database file (and its log) would be wasted.
create or replace {{temp}} table sessions_core__staged (
  session_id VARCHAR, site VARCHAR, visitor_id VARCHAR, visit_number INTEGER, is_returning BOOLEAN,
  started_at TIMESTAMP, ended_at TIMESTAMP, duration_s DOUBLE, engaged_s DOUBLE, pageviews INTEGER, events INTEGER,
  entry_url VARCHAR, exit_url VARCHAR, entry_title VARCHAR, bounce BOOLEAN, source_key UBIGINT, referrer VARCHAR,
  place_key UBIGINT, ua_h UBIGINT, is_bot BOOLEAN, member_id VARCHAR, ip VARCHAR, engagement_events INTEGER, probe_visits INTEGER,
  vkey UBIGINT
);

create or replace {{temp}} table event_sessions__staged (
  event_key BIGINT, session_no INTEGER, seq_in_session INTEGER, dwell_s DOUBLE, engaged_s DOUBLE, is_bot BOOLEAN, vkey UBIGINT
);

create or replace {{temp}} table session_sources__staged (
  source_key UBIGINT, medium VARCHAR, source VARCHAR, term VARCHAR, term_raw VARCHAR, campaign VARCHAR
);
