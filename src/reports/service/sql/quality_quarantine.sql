-- Quarantined rows per source and reason code (loads replaced by --replace took theirs with them).
select source, split_part(reason, ':', 1) as code, count(*) as n from quarantine group by 1, 2;
