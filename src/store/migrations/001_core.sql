-- Core staging tables: one per source, as ingested (after column mapping and type checks),
-- plus the bookkeeping the runner and ingest need. Documented in docs/schema.md.

create sequence if not exists ingest_id_seq start 1;

create table ingest_files (
  ingest_id        BIGINT PRIMARY KEY,
  source           VARCHAR NOT NULL,      -- probe | calls | chats | transcripts | leads | orders
  path             VARCHAR NOT NULL,
  fingerprint      VARCHAR NOT NULL,      -- size + hash of the file's content
  format           VARCHAR NOT NULL,      -- csv | tsv | ndjson | json | parquet | access-log
  encoding         VARCHAR,
  size_bytes       BIGINT,
  started_at       TIMESTAMP NOT NULL,
  finished_at      TIMESTAMP,
  rows_read        BIGINT,
  rows_loaded      BIGINT,
  rows_duplicate   BIGINT,
  rows_quarantined BIGINT
);

create table quarantine (
  ingest_id      BIGINT NOT NULL,
  source         VARCHAR NOT NULL,
  file           VARCHAR NOT NULL,
  line           BIGINT,                  -- 1-based line in the file (header is line 1)
  field          VARCHAR,                 -- column at fault, when known
  reason         VARCHAR NOT NULL,
  raw            VARCHAR,                 -- the offending text (cut at 64 KiB)
  quarantined_at TIMESTAMP NOT NULL
);

-- Web visitor events from the page probe, access logs or exports.
create table raw_probe_events (
  event_id     VARCHAR NOT NULL,  -- natural key: given, or a hash of the content; unique by anti-join at ingest (no index: load speed)
  site         VARCHAR NOT NULL,
  visitor_id   VARCHAR NOT NULL,
  ts           TIMESTAMP NOT NULL,           -- site-local wall-clock time
  type         VARCHAR NOT NULL,             -- see docs/formats.md: pageview, heartbeat, click, ...
  url          VARCHAR,
  title        VARCHAR,
  referrer     VARCHAR,
  ip           VARCHAR,
  user_agent   VARCHAR,
  x            INTEGER,                      -- click coordinates (page pixels)
  y            INTEGER,
  selector     VARCHAR,                      -- click target CSS selector
  member_id    VARCHAR,                      -- identify: the member the visitor logged in as
  visit_count  INTEGER,                      -- the probe's own visit counter, when known
  directive_id VARCHAR,                      -- invite_* events: the directive that was shown
  ref_id       VARCHAR,                      -- lead/order/conversation id the event created
  value        DOUBLE,                       -- order amount
  props        VARCHAR,                      -- other fields, as JSON text
  ingest_id    BIGINT NOT NULL
);

-- Call detail records.
create table raw_calls (
  call_id        VARCHAR NOT NULL PRIMARY KEY,
  site           VARCHAR,
  direction      VARCHAR NOT NULL,           -- inbound | outbound
  queue          VARCHAR,
  agent_id       VARCHAR,
  customer_id    VARCHAR,
  phone_hash     VARCHAR,                    -- sha256 of the normalized number (raw kept only with --keep-contacts)
  phone_masked   VARCHAR,                    -- 138****5678
  visitor_id     VARCHAR,                    -- web visitor this call came from, when known
  offered_at     TIMESTAMP NOT NULL,         -- entered the queue / dialled
  answered_at    TIMESTAMP,                  -- null: never answered
  ended_at       TIMESTAMP,
  hold_s         DOUBLE,
  wrap_s         DOUBLE,
  disposition    VARCHAR,                    -- answered | abandoned | no_answer | busy | voicemail | failed
  outcome        VARCHAR,                    -- sale | lead | no_sale | callback | resolved | unresolved | ...
  campaign       VARCHAR,
  csat           INTEGER,                    -- 1..5 post-call survey, null when not answered
  transferred_from VARCHAR,                  -- conversation id of the online chat that sent this call
  ingest_id      BIGINT NOT NULL
);

-- Chat conversations (any channel) and their messages.
create table raw_conversations (
  conversation_id VARCHAR NOT NULL PRIMARY KEY,
  site           VARCHAR,
  channel        VARCHAR NOT NULL,           -- web | app | wechat | weibo | email | ...
  visitor_id     VARCHAR,
  customer_id    VARCHAR,
  queue          VARCHAR,
  agent_id       VARCHAR,                    -- agent who handled it (null: bot or nobody)
  requested_at   TIMESTAMP NOT NULL,
  answered_at    TIMESTAMP,                  -- first human agent message or join
  ended_at       TIMESTAMP,
  csat           INTEGER,
  resolved       BOOLEAN,
  outcome        VARCHAR,
  ingest_id      BIGINT NOT NULL
);

create table raw_messages (
  conversation_id VARCHAR NOT NULL,
  seq            INTEGER NOT NULL,
  ts             TIMESTAMP NOT NULL,
  sender_type    VARCHAR NOT NULL,           -- visitor | agent | bot | system
  sender_id      VARCHAR,
  text           VARCHAR,
  ingest_id      BIGINT NOT NULL,
  PRIMARY KEY (conversation_id, seq)
);

-- Call transcripts as ASR writes them: one row per turn.
create table raw_transcript_turns (
  call_id        VARCHAR NOT NULL,
  turn_no        INTEGER NOT NULL,
  speaker        VARCHAR NOT NULL,           -- agent | customer
  start_ms       BIGINT,
  end_ms         BIGINT,
  text           VARCHAR,
  confidence     DOUBLE,
  ingest_id      BIGINT NOT NULL,
  PRIMARY KEY (call_id, turn_no)
);

create table raw_leads (
  lead_id         VARCHAR NOT NULL PRIMARY KEY,
  ts              TIMESTAMP NOT NULL,
  site            VARCHAR,
  visitor_id      VARCHAR,
  conversation_id VARCHAR,
  call_id         VARCHAR,
  channel         VARCHAR,
  agent_id        VARCHAR,
  product         VARCHAR,
  intent          VARCHAR,
  status          VARCHAR,
  phone_hash      VARCHAR,
  phone_masked    VARCHAR,
  email_hash      VARCHAR,
  email_masked    VARCHAR,
  wechat_hash     VARCHAR,
  wechat_masked   VARCHAR,
  ingest_id       BIGINT NOT NULL
);

create table raw_orders (
  order_id        VARCHAR NOT NULL PRIMARY KEY,
  ts              TIMESTAMP NOT NULL,
  site            VARCHAR,
  visitor_id      VARCHAR,
  lead_id         VARCHAR,
  customer_id     VARCHAR,
  agent_id        VARCHAR,
  channel         VARCHAR,
  product         VARCHAR,
  quantity        INTEGER,
  amount          DOUBLE,
  currency        VARCHAR,
  ingest_id       BIGINT NOT NULL
);

-- Raw contact values, only when an ingest ran with --keep-contacts.
create table contacts_raw (
  kind   VARCHAR NOT NULL,                  -- phone | email | wechat
  hash   VARCHAR NOT NULL,
  value  VARCHAR NOT NULL,
  PRIMARY KEY (kind, hash)
);

-- Sites and their industry (pooled industry averages compare sites of one industry).
create table sites (
  site      VARCHAR PRIMARY KEY,
  name      VARCHAR,
  industry  VARCHAR,
  domain    VARCHAR
);

-- Runner bookkeeping.
create table table_versions (
  table_name VARCHAR PRIMARY KEY,
  version    BIGINT NOT NULL,
  changed_at TIMESTAMP NOT NULL
);

create table pipeline_state (
  pipeline          VARCHAR PRIMARY KEY,
  input_fingerprint VARCHAR,
  status            VARCHAR NOT NULL,        -- ok | failed
  started_at        TIMESTAMP,
  finished_at       TIMESTAMP,
  duration_ms       BIGINT,
  rows_written      BIGINT,
  message           VARCHAR
);
