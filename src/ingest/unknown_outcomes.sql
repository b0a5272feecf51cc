-- Outcomes of one load that the resolution rate does not know ({{known}}: src/vocab/values.ts CALL_OUTCOMES): each
-- counts as resolved, so ingest warns. Exact match, as contact_facts.sql compares them.
select outcome, count(*)::INTEGER as n
from raw_calls
where ingest_id = $id and outcome is not null and outcome not in ({{known}})
group by outcome
order by n desc, outcome
