select coalesce(s.province, '(unknown)') as province, coalesce(s.city, '(unknown)') as city,
  s.site as site, s.visitor_id as visitor_id, inquiry, lead, ordered
from {{sessions}} as s
any left join ({{outcomes}}) using session_id
where s.started_us >= {{from_us}} and s.started_us < {{to_us}} and {{site_filter}}
