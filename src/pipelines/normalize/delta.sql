-- An incremental run's input: the visitors with events new since the last run ({{from}} < event_key), or with events
-- deleted since (a replaced file, retention: in event_sessions but no longer in raw_probe_events, when {{deleted}}), and
-- every event of theirs still there. Sessions, visit numbers and dwell depend on all of a visitor's events, so a late
-- event for a closed session re-does that visitor whole; other visitors' rows stay as they are.
create or replace temp table norm_affected as
select distinct hash(site, visitor_id) as vkey, site, visitor_id
from raw_probe_events
where event_key > {{from}};

insert into norm_affected
select distinct c.vkey, c.site, c.visitor_id
from sessions_core c
where {{deleted}}
  and c.vkey in (select s.vkey from event_sessions s anti join raw_probe_events r using (event_key))
  and c.vkey not in (select vkey from norm_affected);

-- the raw rows: new ones by the key's zone maps, older ones of the affected visitors by their keys in event_sessions
create or replace temp table norm_src as
select * from raw_probe_events where event_key > {{from}}
union all
select * from raw_probe_events
where event_key <= {{from}}
  and event_key in (select event_key from event_sessions where vkey in (select vkey from norm_affected));
