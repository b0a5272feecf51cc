-- Device brand, model and in-app browser per distinct user agent (src/enrich/ua.ts). Added at the end: normalize
-- appends rows by position. Older rows get NULLs until re-parsed (the parser version changed, so they are).
alter table ua_map add column brand VARCHAR;
alter table ua_map add column model VARCHAR;
alter table ua_map add column app VARCHAR;
