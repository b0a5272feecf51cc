-- One person's visits (non-bot sessions of any of their visitor ids) with the classified intent of each.
select s.started_at, s.visitor_id, s.session_id, s.visit_number, s.medium, s.source, s.term, s.province, s.city,
  s.device_type, s.pageviews, s.duration_s, s.entry_url, si.intent
from sessions s
join customer_ids i on i.kind = 'visitor' and i.id = s.visitor_id and i.customer_id = $person
left join {{intents}} si on si.session_id = s.session_id
where not coalesce(s.is_bot, false) and {{site_filter}} and s.started_at >= $from::TIMESTAMP and s.started_at < $to::TIMESTAMP
order by s.started_at, s.session_id
