-- An incremental run may re-do only a visitor's later sessions (normalize re-does a returning visitor from the start of
-- the stretch of activity its new events join, docs/architecture.md "Incremental runs"): from_ts is the start of the
-- first session it replaced; the visitor's sessions that started before it are as they were. NULL: every row of the
-- visitor may have changed (as every row logged before this column existed).
alter table change_visitors add column from_ts TIMESTAMP;
