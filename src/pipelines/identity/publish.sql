-- Puts the staged tables in place (in the pipeline's transaction: all or nothing).
drop table if exists customers;
alter table customers__staged rename to customers;
drop table if exists customer_ids;
alter table customer_ids__staged rename to customer_ids;
drop table if exists identity_blocked;
alter table identity_blocked__staged rename to identity_blocked;
drop table if exists identity_named;
alter table identity_named__staged rename to identity_named;
