-- table_versions.changed_at is UTC from now on (it was the session's local time, and ingest sets the session to the
-- data's zone). Older mart times cannot be converted, so the marts count as stale until the next `ccx run`: reports
-- read the live tables meanwhile, which is slower, never wrong.
update table_versions set changed_at = TIMESTAMP '1970-01-01' where table_name in ('mart_funnel_steps', 'mart_sessions');
