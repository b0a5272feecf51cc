-- An incremental run's raw rows (after delta.sql): the new ones and the older ones of the re-done sessions, both found
-- by the key's zone maps: new keys are above {{from}}, and the older ones to re-do ({{low}}: the lowest of them) are
-- mostly the latest stretches of activity, so the scan skips the history before them. Only the few older rows are
-- copied; the new ones are read in place through the view, as a full run reads raw_probe_events (copying a day's
-- wide rows cost ~10% of the run). raw_rowid stands in for rowid, which a view has not.
create or replace temp table norm_old_rows as
select rowid as raw_rowid, * from raw_probe_events
where event_key between {{low}} and {{from}}
  and event_key in (select event_key from norm_old_keys);

drop table norm_old_keys;

create or replace temp view norm_src as
select rowid as raw_rowid, * from raw_probe_events where event_key > {{from}}
union all
select * from norm_old_rows;
