-- Persons from the components (idn_labels: node → component of the linked identifiers, written by the union-find): every identifier of a
-- person in customer_ids, one row per person in customers. A person's customer_id is its best identifier: a customer
-- id, else a member id, a phone, an email, a WeChat id, a visitor id, then its first record (docs/metrics.md).
create or replace temp table idn_members as
select coalesce(l.component, n.node) as component, n.kind, n.value,
  case n.kind when 'customer' then 1 when 'member' then 2 when 'phone' then 3 when 'email' then 4 when 'wechat' then 5
    when 'visitor' then 6 when 'lead' then 7 when 'call' then 8 when 'conversation' then 9 else 10 end as rank
from idn_nodes n
left join idn_labels l using (node)
-- a blocked identifier belongs to nobody (identity_blocked lists it)
anti join idn_blocked b on b.node = n.node;

create or replace temp table idn_anchor as
select component, arg_min(kind || ':' || value, (rank, value)) as customer_id
from idn_members group by component;

-- non-bot visitors that no record names: each a person of one identifier. {{lone}}: all visitors, or (an incremental
-- run) those normalize re-did and those records started or stopped naming (idn_affected). A blocked visitor id is a
-- node: it belongs to nobody.
create or replace temp table idn_lone as
select visitor_id, min(first_seen) as first_seen, max(last_seen) as last_seen
from visitors v
where not coalesce(is_bot, false)
  and {{lone}}
  and not exists (select 1 from idn_nodes n where n.kind = 'visitor' and n.value = v.visitor_id)
group by visitor_id;

-- linked: the person has identifiers records link (recomputed from the records every run); the others are lone
-- visitors, which an incremental run replaces visitor by visitor. An incremental run copies customer_ids__staged and
-- customers__staged into the published tables: they are temp tables then ({{temp}}), not written to the file twice.
create or replace {{temp}} table customer_ids__staged as
select hash(a.customer_id) as customer_key, a.customer_id, m.kind, m.value as id, true as linked
from idn_members m join idn_anchor a using (component)
union all
select hash('visitor:' || visitor_id), 'visitor:' || visitor_id, 'visitor', visitor_id, false from idn_lone;

-- the visitor ids records name (linked or blocked): the next incremental run compares with them
create or replace table identity_named__staged as
select distinct value as visitor_id from idn_nodes where kind = 'visitor';

create or replace {{temp}} table customers__staged as
with linked as (
  select i.customer_key, i.customer_id, i.kind, i.id
  from customer_ids__staged i where i.linked
), seen as (
  select i.customer_key, min(v.first_seen) as first_seen, max(v.last_seen) as last_seen
  from linked i join (
      select visitor_id, min(first_seen) as first_seen, max(last_seen) as last_seen
      from visitors where visitor_id in (select id from linked where kind = 'visitor') group by visitor_id
    ) v
    on i.kind = 'visitor' and v.visitor_id = i.id
  group by i.customer_key
  union all
  select i.customer_key, min(c.offered_at), max(coalesce(c.ended_at, c.offered_at))
  from linked i join raw_calls c on i.kind = 'call' and c.call_id = i.id group by i.customer_key
  union all
  select i.customer_key, min(c.requested_at), max(coalesce(c.ended_at, c.requested_at))
  from linked i join raw_conversations c on i.kind = 'conversation' and c.conversation_id = i.id group by i.customer_key
  union all
  select i.customer_key, min(l.ts), max(l.ts)
  from linked i join raw_leads l on i.kind = 'lead' and l.lead_id = i.id group by i.customer_key
  union all
  select i.customer_key, min(o.ts), max(o.ts)
  from linked i join raw_orders o on i.kind = 'order' and o.order_id = i.id group by i.customer_key
), orders as (
  select i.customer_key, sum(o.amount) as order_value
  from linked i join raw_orders o on i.kind = 'order' and o.order_id = i.id group by i.customer_key
)
select i.customer_key, i.customer_id,
  count(*) filter (where kind = 'visitor')::INTEGER as visitors,
  count(*) filter (where kind = 'member')::INTEGER as members,
  count(*) filter (where kind = 'customer')::INTEGER as customer_refs,
  count(*) filter (where kind = 'phone')::INTEGER as phones,
  count(*) filter (where kind = 'email')::INTEGER as emails,
  count(*) filter (where kind = 'wechat')::INTEGER as wechats,
  count(*) filter (where kind = 'call')::INTEGER as calls,
  count(*) filter (where kind = 'conversation')::INTEGER as conversations,
  count(*) filter (where kind = 'lead')::INTEGER as leads,
  count(*) filter (where kind = 'order')::INTEGER as orders,
  s.first_seen, s.last_seen, o.order_value, true as linked
from linked i
left join (select customer_key, min(first_seen) as first_seen, max(last_seen) as last_seen from seen group by customer_key) s using (customer_key)
left join orders o using (customer_key)
group by i.customer_key, i.customer_id, s.first_seen, s.last_seen, o.order_value
union all
select hash('visitor:' || visitor_id), 'visitor:' || visitor_id, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, first_seen, last_seen, null::DOUBLE, false
from idn_lone;

drop table if exists idn_members;
drop table if exists idn_lone;
drop table if exists idn_anchor;
drop table if exists idn_labels;
drop table if exists idn_edges;
drop table if exists idn_rec;
drop table if exists idn_nodes;
drop table if exists idn_facts;
drop table if exists idn_blocked;
