-- Geography: sessions started in the range by province and by province × city (IP geo of the session),
-- with visitors and the sessions that made an inquiry / lead / order (steps.sql).
with
{{steps}},
f as (
  select
    coalesce(s.province, '(unknown)') as province,
    coalesce(s.city, '(unknown)') as city,
    s.site, s.visitor_id,
    coalesce(o.inquiry, false) as inquiry, coalesce(o.lead, false) as lead, coalesce(o.ordered, false) as ordered
  from sessions s
  left join session_outcomes o on o.session_id = s.session_id
  left join {{intents}} si on si.session_id = s.session_id
  where not coalesce(s.is_bot, false) and {{site_filter}} and s.started_at >= $from::TIMESTAMP and s.started_at < $to::TIMESTAMP
    and {{where}}
)
select
  case when grouping(province) = 1 then 'total' when grouping(city) = 1 then 'province' else 'city' end as level,
  province, city,
  count(*) as sessions,
  count(distinct (site, visitor_id)) as visitors,
  count(*) filter (where inquiry) as inquiries,
  count(*) filter (where lead) as leads,
  count(*) filter (where ordered) as orders
from f
group by grouping sets ((province), (province, city), ())
