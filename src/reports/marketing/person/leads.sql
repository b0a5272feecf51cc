-- One person's leads: the CRM's, and the probe's lead events the CRM does not have (ref_id = lead id).
with visitors as (select id from customer_ids where customer_id = $person and kind = 'visitor')
select l.lead_id, l.ts, l.channel, l.agent_id, l.product, l.intent, l.status, l.conversation_id, l.call_id
from raw_leads l
join customer_ids i on i.kind = 'lead' and i.id = l.lead_id and i.customer_id = $person
where {{site_filter}} and l.ts >= $from::TIMESTAMP and l.ts < $to::TIMESTAMP
union all
select coalesce(e.ref_id, e.event_id), e.ts, 'web', null, null, null, null, null, null
from events e
where e.type = 'lead' and e.visitor_id in (select id from visitors) and not coalesce(e.is_bot, false) and {{site_filter_e}}
  and e.ts >= $from::TIMESTAMP and e.ts < $to::TIMESTAMP
  and not exists (select 1 from raw_leads l where l.lead_id = e.ref_id)
order by 2, 1
