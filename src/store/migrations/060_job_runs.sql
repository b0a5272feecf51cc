-- Scheduled job history (ccx schedule, ccx jobs run). Documented in docs/schema.md, "Operations".
create table job_runs (
  run_id       VARCHAR PRIMARY KEY,         -- random id, chosen by the scheduler before the database is opened
  job          VARCHAR NOT NULL,
  trigger      VARCHAR NOT NULL,            -- schedule | manual
  status       VARCHAR NOT NULL,            -- running | ok | failed | skipped | abandoned | interrupted
  scheduled_at TIMESTAMP,                   -- the cron time that fired (schedule triggers)
  started_at   TIMESTAMP NOT NULL,          -- wall-clock time in the config's time zone
  finished_at  TIMESTAMP,
  duration_ms  BIGINT,
  attempts     INTEGER NOT NULL DEFAULT 0,  -- 1 + retries used
  steps_total  INTEGER NOT NULL,
  steps_done   INTEGER NOT NULL DEFAULT 0,
  failed_step  INTEGER,                     -- 1-based step number that stopped the job
  rows         BIGINT,                      -- rows loaded/written by the steps that report them
  error        VARCHAR,
  pid          INTEGER NOT NULL,            -- process that ran it (an interrupted run is found by its dead pid)
  hostname     VARCHAR NOT NULL
);

create table job_run_steps (
  run_id       VARCHAR NOT NULL,
  step_no      INTEGER NOT NULL,            -- 1-based position in the job's steps
  attempt      INTEGER NOT NULL,
  kind         VARCHAR NOT NULL,            -- ingest | ingest-log | run | export | ccx | exec | retention
  command      VARCHAR,                     -- the command line it ran
  status       VARCHAR NOT NULL,            -- running | ok | failed | timeout | abandoned | interrupted
  started_at   TIMESTAMP NOT NULL,
  finished_at  TIMESTAMP,
  duration_ms  BIGINT,
  exit_code    INTEGER,
  rows         BIGINT,
  error        VARCHAR,
  PRIMARY KEY (run_id, step_no, attempt)
);

-- Raw probe events summarized by the retention step before it deletes them; never rebuilt, kept for good.
create table probe_daily (
  day          DATE NOT NULL,
  site         VARCHAR NOT NULL,
  type         VARCHAR NOT NULL,
  events       BIGINT NOT NULL,
  visitors     BIGINT NOT NULL,             -- distinct visitor_id that day (per site and type)
  first_ts     TIMESTAMP,
  last_ts      TIMESTAMP,
  PRIMARY KEY (day, site, type)
);
