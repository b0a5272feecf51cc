-- Ingest that real exports need (docs/formats.md): the offending value of a quarantined row; a load's status (a file
-- whose rows were all refused is `rejected`, not ingested: fixing the flags and running again loads it; a load
-- replaced by `--replace` is gone with its rows), its filtered and flagged rows; and the time-order quality flags of
-- calls and conversations (loaded, left out of wait and handle times).
alter table quarantine add column value VARCHAR;
alter table ingest_files add column status VARCHAR default 'loaded';
alter table ingest_files add column rows_filtered BIGINT default 0;
alter table ingest_files add column rows_flagged BIGINT default 0;
alter table raw_calls add column quality VARCHAR;
alter table raw_conversations add column quality VARCHAR;
