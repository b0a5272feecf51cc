-- Handled contacts (answered, with an agent; outbound calls included) with their conversion and segments.
create or replace temp table agent_contacts as
with handled as (
  select * from contact_facts
  where answered and agent_id is not null
    and ($from::TIMESTAMP is null or started_at >= $from::TIMESTAMP)
    and ($to::TIMESTAMP is null or started_at < $to::TIMESTAMP)
    and {{filter}}
),
ordinal as (
  -- New vs returning customer: is this the customer's first contact on record?
  select contact_id, row_number() over (partition by customer_key order by started_at, contact_id) as nth
  from contact_facts where customer_key is not null
),
leads as (
  select lead_id, coalesce(conversation_id, call_id) as contact_id, intent, product from raw_leads
  where coalesce(conversation_id, call_id) is not null
),
lead_by_contact as (
  select contact_id, count(*) as leads, min(intent) as lead_intent, min(product) as lead_product, list(lead_id) as lead_ids
  from leads group by contact_id
),
order_by_contact as (
  -- An order counts for a contact through its lead, or when the same agent sold to the same customer.
  select h.contact_id, count(distinct o.order_id) as orders
  from handled h
  join raw_orders o on (o.lead_id is not null and o.lead_id in (select lead_id from leads l where l.contact_id = h.contact_id))
                    or (o.lead_id is null and o.agent_id = h.agent_id and o.customer_id is not null and o.customer_id = h.customer_key)
  group by h.contact_id
),
visit_intent as ({{visit_intent}})
select h.contact_id, h.kind, h.agent_id, h.site, coalesce(h.industry, '(none)') as industry, h.queue, h.started_at,
  coalesce(lb.leads, 0) > 0 as has_lead,
  coalesce(ob.orders, 0) > 0 as has_order,
  -- Only the visitor's session intent: a lead's intent exists only for converted contacts and would bias the rates.
  coalesce(vi.intent, '(unknown)') as intent,
  case when h.customer_key is null then 'unknown' when o.nth = 1 then 'new' else 'returning' end as customer_type
from handled h
left join lead_by_contact lb on lb.contact_id = h.contact_id
left join order_by_contact ob on ob.contact_id = h.contact_id
left join ordinal o on o.contact_id = h.contact_id
left join visit_intent vi on vi.contact_id = h.contact_id;
