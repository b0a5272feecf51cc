-- Intent decisions per distinct (term, landing path, landing title): the intents pipeline classifies only
-- texts it has not seen under the current rules+model (classifier fingerprint), then joins them to sessions.
create table if not exists intent_text_cache (
  text_key   VARCHAR PRIMARY KEY,   -- md5 of term, landing path and title (see src/pipelines/intents/session_intents.sql)
  term       VARCHAR,
  url        VARCHAR,               -- landing URL without query string and fragment
  title      VARCHAR,
  intent     VARCHAR NOT NULL,      -- an intent id of the intents file, or 'unknown'
  confidence DOUBLE NOT NULL,
  method     VARCHAR NOT NULL,      -- rule | model | none
  evidence   VARCHAR,
  classifier VARCHAR NOT NULL       -- fingerprint of the intents file + model that decided
);
