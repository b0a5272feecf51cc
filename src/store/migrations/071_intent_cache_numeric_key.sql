-- The intent cache's key becomes md5_number (128 bits, as unique as the md5 text) and loses its index: a numeric
-- hash join is what the intents pipeline does with it, and uniqueness is kept by its anti-join. It is a cache:
-- dropping it only means the next run classifies each distinct text again.
drop table if exists intent_text_cache;
create table intent_text_cache (
  text_key   UHUGEINT NOT NULL,  -- md5_number of term, landing path and title (src/pipelines/intents/session_keys.sql)
  term       VARCHAR,
  url        VARCHAR,            -- landing URL without query string and fragment
  title      VARCHAR,
  intent     VARCHAR NOT NULL,   -- an intent id of the intents file, or 'unknown'
  confidence DOUBLE NOT NULL,
  method     VARCHAR NOT NULL,   -- rule | model | none
  evidence   VARCHAR,
  classifier VARCHAR NOT NULL    -- fingerprint of the intents file + model that decided
);
