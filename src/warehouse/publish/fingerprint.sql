-- What one published table holds per day and site, as a fingerprint: its row count and the sum of its rows' hashes (order
-- does not matter; a changed, added or removed row changes it). The inner query is the table's publish query over the
-- range, the hashed columns are all of its columns.
select day, coalesce(site, '') as site, count(*) as n, sum(hash({{columns}}))::VARCHAR as h
from ({{query}})
group by all
