-- Incremental pipelines (docs/architecture.md "Incremental runs", docs/scale.md): what each run changed, so the next
-- run of a pipeline downstream re-does only that.

-- The pipeline's own inputs (SQL, rule files, options) apart from the table versions: when they change the pipeline
-- rebuilds in full; when only the data changed it may update incrementally. `change_cursor` is the change_runs seq of
-- its last successful run: it has consumed every change logged before it.
alter table pipeline_state add column code_fingerprint VARCHAR;
alter table pipeline_state add column mode VARCHAR;            -- full | incremental
alter table pipeline_state add column change_cursor BIGINT;
-- versions of the tables it read at that run (JSON): a table no pipeline writes that changed since means a full run
alter table pipeline_state add column input_versions VARCHAR;

create sequence change_seq start 1;

-- One row per pipeline run that changed tables: a full rebuild tells every consumer downstream to rebuild too.
create table change_runs (
  seq       BIGINT PRIMARY KEY,
  producer  VARCHAR NOT NULL,       -- the pipeline that ran
  is_full   BOOLEAN NOT NULL,       -- rebuilt everything (no change_visitors / change_days rows)
  visitors  BIGINT,                 -- change_visitors rows it logged
  ran_at    TIMESTAMP NOT NULL
);

-- The visitors (site, visitor id) whose rows an incremental run replaced: consumers re-do these visitors.
create table change_visitors (
  seq        BIGINT NOT NULL,
  site       VARCHAR,
  visitor_id VARCHAR NOT NULL
);

-- The days (site, day) whose rows an incremental run touched: the warehouse re-publishes these days.
create table change_days (
  seq   BIGINT NOT NULL,
  site  VARCHAR,
  day   DATE NOT NULL
);

-- How far a pipeline has read a raw table: rows with a key (event_key, ingest_id) above `high` are new to it; fewer
-- than `rows` rows at or below `high` means some were deleted since (a replaced file, retention).
create table source_watermarks (
  pipeline  VARCHAR NOT NULL,
  source    VARCHAR NOT NULL,
  high      BIGINT NOT NULL,
  rows      BIGINT NOT NULL,
  PRIMARY KEY (pipeline, source)
);

-- The visitor ids each raw table (calls, chats, leads, orders) held, per load, when a pipeline last read it: when rows
-- go (a replaced file), the visitors they named are found here and re-done.
create table source_visitors (
  pipeline   VARCHAR NOT NULL,
  source     VARCHAR NOT NULL,
  ingest_id  BIGINT NOT NULL,
  visitor_id VARCHAR NOT NULL
);
