-- Persons with a {{conversion}} in [from, to) that no path holds: no touch in [from, to) at or before their first one.
with
{{touches}},
first_conv as (
  select customer_id, min(ts) as tc from conversions
  where kind = '{{conversion}}' and ts >= $from::TIMESTAMP and ts < $to::TIMESTAMP
  group by customer_id
)
select count(*)::INTEGER as n
from first_conv c
where not exists (
  select 1 from touches t where t.customer_id = c.customer_id and t.ts >= $from::TIMESTAMP and t.ts <= c.tc
)
