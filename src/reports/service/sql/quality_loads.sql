-- Per source: files loaded (not refused, not replaced) and the rows their loads read, found repeated, filtered.
select source, count(*) as files, coalesce(sum(rows_read), 0) as read, coalesce(sum(rows_duplicate), 0) as duplicates,
  coalesce(sum(rows_filtered), 0) as filtered
from ingest_files
where finished_at is not null and coalesce(status, 'loaded') in ('loaded', 'rejected')
group by source;
