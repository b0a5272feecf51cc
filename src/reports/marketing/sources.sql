-- Traffic sources: sessions started in the range by medium, by search engine, and by engine × keyword, each
-- with its sessions, visitors and the sessions that made an inquiry / lead / order (steps.sql).
with
{{steps}},
f as (
  select
    coalesce(s.medium, '(none)') as medium,
    {{engine}} as engine,
    coalesce(s.term, '(not provided)') as keyword,
    s.site, s.visitor_id,
    coalesce(o.inquiry, false) as inquiry, coalesce(o.lead, false) as lead, coalesce(o.ordered, false) as ordered
  from sessions s
  left join session_outcomes o on o.session_id = s.session_id
  left join {{intents}} si on si.session_id = s.session_id
  where not coalesce(s.is_bot, false) and {{site_filter}} and s.started_at >= $from::TIMESTAMP and s.started_at < $to::TIMESTAMP
    and {{where}}
)
select
  case when grouping(medium) = 0 then 'medium' when grouping(keyword) = 0 then 'keyword' when grouping(engine) = 0 then 'engine' else 'total' end as level,
  medium, engine, keyword,
  count(*) as sessions,
  count(distinct (site, visitor_id)) as visitors,
  count(*) filter (where inquiry) as inquiries,
  count(*) filter (where lead) as leads,
  count(*) filter (where ordered) as orders
from f
group by grouping sets ((medium), (engine), (engine, keyword), ())
