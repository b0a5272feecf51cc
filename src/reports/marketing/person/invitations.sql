-- Chat invitations shown to one person (on any of their visitor ids) and how they answered them.
select count(*) filter (where e.type = 'invite_shown')::INTEGER as shown,
  count(*) filter (where e.type = 'invite_accepted')::INTEGER as accepted,
  count(*) filter (where e.type = 'invite_declined')::INTEGER as declined
from events e
join customer_ids i on i.kind = 'visitor' and i.id = e.visitor_id and i.customer_id = $person
where e.type in ('invite_shown', 'invite_accepted', 'invite_declined') and not coalesce(e.is_bot, false) and {{site_filter_e}}
  and e.ts >= $from::TIMESTAMP and e.ts < $to::TIMESTAMP
