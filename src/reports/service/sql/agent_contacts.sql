-- Conversion of every handled contact (answered, with an agent; outbound calls included): a lead whose
-- conversation_id/call_id is the contact; an order through that lead, or without a lead by the same agent and customer.
create or replace temp table contact_conversions as
with leads as (
  select lead_id, coalesce(conversation_id, call_id) as contact_id from raw_leads where coalesce(conversation_id, call_id) is not null
),
handled as (select contact_id, agent_id, customer_key from contact_facts where answered and agent_id is not null),
lead_orders as (
  select l.contact_id, o.order_id from leads l join raw_orders o on o.lead_id = l.lead_id
  union all
  select h.contact_id, o.order_id from handled h
  join raw_orders o on o.lead_id is null and o.agent_id = h.agent_id and o.customer_id = h.customer_key
)
select h.contact_id,
  exists (select 1 from leads l where l.contact_id = h.contact_id) as has_lead,
  exists (select 1 from lead_orders x where x.contact_id = h.contact_id) as has_order
from handled h;

-- Handled contacts in the range with their conversion and segments.
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
visit_intent as ({{visit_intent}})
select h.contact_id, h.kind, h.agent_id, h.site, coalesce(h.industry, '(none)') as industry, h.queue, h.started_at,
  cv.has_lead,
  cv.has_order,
  -- Only the visitor's session intent: a lead's intent exists only for converted contacts and would bias the rates.
  coalesce(vi.intent, '(unknown)') as intent,
  case when h.customer_key is null then 'unknown' when o.nth = 1 then 'new' else 'returning' end as customer_type
from handled h
join contact_conversions cv on cv.contact_id = h.contact_id
left join ordinal o on o.contact_id = h.contact_id
left join visit_intent vi on vi.contact_id = h.contact_id;
