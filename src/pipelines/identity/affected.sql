-- An incremental run's lone visitors to re-do (persons.sql): those normalize re-did since the last run (idn_upstream)
-- and those the records started or stopped naming since (identity_named: the named visitor ids of the last run).
create or replace temp table idn_affected as
select visitor_id from idn_upstream
union
(select value from idn_nodes where kind = 'visitor' except select visitor_id from identity_named)
union
(select visitor_id from identity_named except select value from idn_nodes where kind = 'visitor');
drop table idn_upstream;
