-- The parse maps lose their primary-key indexes: normalize appends only values an anti-join found missing, so they
-- stay unique, and maintaining the index cost more than the rest of appending hundreds of thousands of IPs.
-- Rebuilt rather than altered (DuckDB cannot drop a primary key in place); columns as in 010_enrich_maps.sql.
create table referrer_map_072 (
  referrer  VARCHAR NOT NULL,
  host      VARCHAR,            -- lower-cased referrer host (android-app: package name)
  medium    VARCHAR NOT NULL,   -- search | social | email | paid | referral | direct (internal is decided per landing page)
  source    VARCHAR,            -- engine / network name, or the referring host
  term      VARCHAR,            -- keyword folded for grouping (NFKC, trimmed, lower case); null when hidden
  term_raw  VARCHAR,            -- keyword as decoded (UTF-8 or GB18030)
  version   INTEGER NOT NULL
);
insert into referrer_map_072 select * from referrer_map;
drop table referrer_map;
alter table referrer_map_072 rename to referrer_map;
create table landing_map_072 (
  url             VARCHAR NOT NULL,  -- landing URLs that carry utm_* or a paid click id
  host            VARCHAR,
  medium          VARCHAR,              -- decided by utm_medium or a click id; null: defer to the referrer
  fallback_medium VARCHAR,              -- when utm_* is present but says nothing usable about the medium
  source          VARCHAR,
  term            VARCHAR,
  term_raw        VARCHAR,
  campaign        VARCHAR,
  version         INTEGER NOT NULL
);
insert into landing_map_072 select * from landing_map;
drop table landing_map;
alter table landing_map_072 rename to landing_map;
create table ip_geo_map_072 (
  ip        VARCHAR NOT NULL,
  country   VARCHAR,
  province  VARCHAR,
  city      VARCHAR,
  isp       VARCHAR,
  version   INTEGER NOT NULL
);
insert into ip_geo_map_072 select * from ip_geo_map;
drop table ip_geo_map;
alter table ip_geo_map_072 rename to ip_geo_map;
create table ua_map_072 (
  user_agent      VARCHAR NOT NULL,
  browser         VARCHAR,
  browser_version VARCHAR,
  os              VARCHAR,
  os_version      VARCHAR,
  device_type     VARCHAR NOT NULL,   -- desktop | mobile | tablet | bot | other
  is_bot          BOOLEAN NOT NULL,
  bot_name        VARCHAR,
  version         INTEGER NOT NULL
);
insert into ua_map_072 select * from ua_map;
drop table ua_map;
alter table ua_map_072 rename to ua_map;
