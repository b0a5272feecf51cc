-- An incremental run's publication: the linked persons are replaced whole (recomputed from the records), the lone
-- visitors only for the visitor ids in idn_affected (persons.sql).
delete from customer_ids where linked or id in (select visitor_id from idn_affected);
insert into customer_ids by name select * from customer_ids__staged;
drop table customer_ids__staged;
delete from customers where linked or customer_id in (select 'visitor:' || visitor_id from idn_affected);
insert into customers by name select * from customers__staged;
drop table customers__staged;
drop table if exists identity_blocked;
alter table identity_blocked__staged rename to identity_blocked;
drop table if exists identity_named;
alter table identity_named__staged rename to identity_named;
drop table idn_affected;
