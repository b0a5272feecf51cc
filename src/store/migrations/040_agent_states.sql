-- Agent state log (ACD/WFM export), when a site has one: occupancy needs it. Empty otherwise (occupancy = n/a).
-- state: available | busy | talk | hold | wrap | break | offline (others are ignored by occupancy).
create table raw_agent_states (
  agent_id    VARCHAR NOT NULL,
  site        VARCHAR,
  state       VARCHAR NOT NULL,
  started_at  TIMESTAMP NOT NULL,
  ended_at    TIMESTAMP NOT NULL,
  ingest_id   BIGINT
);
