-- Rebuilt on every run of the telesales pipeline; filled by the appender from TypeScript.
create or replace table call_stages (
  call_id     VARCHAR NOT NULL,
  seq         INTEGER NOT NULL,     -- 1-based order of this run of turns in the call
  stage       VARCHAR NOT NULL,
  stage_order INTEGER NOT NULL,     -- position of the stage in the library (0 = first)
  first_turn  INTEGER NOT NULL,
  last_turn   INTEGER NOT NULL,
  start_ms    BIGINT,
  end_ms      BIGINT,
  turns       INTEGER NOT NULL,
  agent_turns INTEGER NOT NULL
);

create or replace table script_hits (
  call_id     VARCHAR NOT NULL,
  script_id   VARCHAR NOT NULL,
  stage       VARCHAR NOT NULL,     -- the script's stage in the library
  turn_no     INTEGER NOT NULL,
  speaker     VARCHAR NOT NULL,
  offset_ms   BIGINT,               -- start of the turn from the start of the call
  score       DOUBLE NOT NULL,      -- match score 0..1
  turn_stage  VARCHAR NOT NULL,     -- stage the segmentation put the turn in
  consequence BOOLEAN NOT NULL
);

-- Per call and script: the best score of any turn of the script's speaker, for hits and for near-misses down to the
-- library's matchThreshold − 0.05 (THRESHOLD_STEP): the report re-runs the verdict at threshold ± that step.
create or replace table call_script_scores (
  call_id     VARCHAR NOT NULL,
  script_id   VARCHAR NOT NULL,
  score       DOUBLE NOT NULL
);
