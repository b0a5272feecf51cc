-- Every raw probe event gets a compact, permanent integer key when it is loaded (a sequence default: free on a
-- parallel insert). The normalized per-event table (event_sessions) refers to it and the `events` view joins the
-- two, so the wide raw text is stored once. Not the rowid: rowids change when DuckDB vacuums deleted rows.
-- The table is rebuilt rather than altered: DuckDB cannot replay a WAL holding ALTER ... SET DEFAULT nextval().
create sequence raw_probe_event_key_seq;
create table raw_probe_events_070 (
  event_id     VARCHAR NOT NULL,
  site         VARCHAR NOT NULL,
  visitor_id   VARCHAR NOT NULL,
  ts           TIMESTAMP NOT NULL,
  type         VARCHAR NOT NULL,
  url          VARCHAR,
  title        VARCHAR,
  referrer     VARCHAR,
  ip           VARCHAR,
  user_agent   VARCHAR,
  x            INTEGER,
  y            INTEGER,
  selector     VARCHAR,
  member_id    VARCHAR,
  visit_count  INTEGER,
  directive_id VARCHAR,
  ref_id       VARCHAR,
  value        DOUBLE,
  props        VARCHAR,
  ingest_id    BIGINT NOT NULL,
  event_key    BIGINT NOT NULL DEFAULT nextval('raw_probe_event_key_seq')  -- unique; assigned at load, never reused
);
insert into raw_probe_events_070 by name select * from raw_probe_events;
drop table raw_probe_events;
alter table raw_probe_events_070 rename to raw_probe_events;
-- the old materialized events table: normalize rebuilds `events` as a view
drop table if exists events;
