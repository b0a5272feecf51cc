-- Distinct-value mapping tables of the normalize pipeline: each distinct referrer, landing URL with campaign
-- parameters, IP and user agent is parsed once in TypeScript and kept here, so re-runs parse only new values.
-- `version` is the parser version that wrote the row; rows of an older version are re-parsed.

create table referrer_map (
  referrer  VARCHAR PRIMARY KEY,
  host      VARCHAR,            -- lower-cased referrer host (android-app: package name)
  medium    VARCHAR NOT NULL,   -- search | social | email | paid | referral | direct (internal is decided per landing page)
  source    VARCHAR,            -- engine / network name, or the referring host
  term      VARCHAR,            -- keyword folded for grouping (NFKC, trimmed, lower case); null when hidden
  term_raw  VARCHAR,            -- keyword as decoded (UTF-8 or GB18030)
  version   INTEGER NOT NULL
);

create table landing_map (
  url             VARCHAR PRIMARY KEY,  -- landing URLs that carry utm_* or a paid click id
  host            VARCHAR,
  medium          VARCHAR,              -- decided by utm_medium or a click id; null: defer to the referrer
  fallback_medium VARCHAR,              -- when utm_* is present but says nothing usable about the medium
  source          VARCHAR,
  term            VARCHAR,
  term_raw        VARCHAR,
  campaign        VARCHAR,
  version         INTEGER NOT NULL
);

create table ip_geo_map (
  ip        VARCHAR PRIMARY KEY,
  country   VARCHAR,
  province  VARCHAR,
  city      VARCHAR,
  isp       VARCHAR,
  version   INTEGER NOT NULL
);

create table ua_map (
  user_agent      VARCHAR PRIMARY KEY,
  browser         VARCHAR,
  browser_version VARCHAR,
  os              VARCHAR,
  os_version      VARCHAR,
  device_type     VARCHAR NOT NULL,   -- desktop | mobile | tablet | bot | other
  is_bot          BOOLEAN NOT NULL,
  bot_name        VARCHAR,
  version         INTEGER NOT NULL
);
