-- An incremental run's raw rows (after delta.sql): the new ones and the older ones of the re-done sessions, both found
-- by the key's zone maps: new keys are above {{from}}, and the older ones to re-do ({{low}}: the lowest of them) are
-- mostly the latest stretches of activity, so the scan skips the history before them.
create or replace temp table norm_src as
select * from raw_probe_events where event_key > {{from}}
union all
select * from raw_probe_events
where event_key between {{low}} and {{from}}
  and event_key in (select event_key from norm_old_keys);

drop table norm_old_keys;
