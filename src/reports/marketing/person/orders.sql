-- One person's orders: the CRM's, and the probe's order events the CRM does not have (value = amount, no currency).
with visitors as (select id from customer_ids where customer_id = $person and kind = 'visitor')
select o.order_id, o.ts, o.channel, o.agent_id, o.product, o.quantity, o.amount, o.currency, o.lead_id
from raw_orders o
join customer_ids i on i.kind = 'order' and i.id = o.order_id and i.customer_id = $person
where {{site_filter}} and o.ts >= $from::TIMESTAMP and o.ts < $to::TIMESTAMP
union all
select coalesce(e.ref_id, e.event_id), e.ts, 'web', null, null, null, e.value, null, null
from events e
where e.type = 'order' and e.visitor_id in (select id from visitors) and not coalesce(e.is_bot, false) and {{site_filter_e}}
  and e.ts >= $from::TIMESTAMP and e.ts < $to::TIMESTAMP
  and not exists (select 1 from raw_orders o where o.order_id = e.ref_id)
order by 2, 1
