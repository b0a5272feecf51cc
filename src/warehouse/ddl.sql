-- One published table: a MergeTree on every shard, partitioned by day (re-publishing a day drops its partition on each
-- shard), and a Distributed table over them sharded by vid (hash of the visitor id): one visitor's rows stay on one
-- shard, so the per-visitor steps of a report run on each shard's local rows. 18.16 has no ON CLUSTER without
-- ZooKeeper: ccx runs the local statement on each shard's own URL.
create table if not exists {{database}}.{{table}}_local ({{columns}})
engine = MergeTree partition by day order by ({{order}})
