-- Identity links (docs/metrics.md "Identity"): every record that names two identifiers links them. A record is a
-- login (visitor + member id), a call, a chat, a chat message with a phone number, a lead or an order; each is a set of
-- facts (kind, value) under one record key. Records refer to each other by id (a lead's chat, an order's lead, a call
-- transferred from a chat), so calls, chats, leads and orders are identifiers too. Visitors no record names are persons
-- of their own (persons.sql): they stay out of the graph, which keeps it small.
create or replace temp table idn_facts as
with facts(rec, kind, value) as (
  select hash('login', visitor_id, member_id), unnest(['visitor', 'member']), unnest([visitor_id, member_id])
  from (select distinct visitor_id, member_id from raw_probe_events where member_id is not null and member_id <> '')
  union all
  select hash('call', call_id), unnest(['call', 'customer', 'phone', 'visitor', 'conversation']),
    unnest([call_id, customer_id, phone_hash, visitor_id, transferred_from])
  from raw_calls
  union all
  select hash('conversation', conversation_id), unnest(['conversation', 'customer', 'visitor']),
    unnest([conversation_id, customer_id, visitor_id])
  from raw_conversations
  union all
  -- a mobile number a visitor typed in a chat (11 digits from 13x-19x, as ingest normalizes and hashes it)
  select hash('message', conversation_id, seq), unnest(['conversation', 'phone']), unnest([conversation_id, sha256(phone)])
  from (
    select conversation_id, seq, unnest(regexp_extract_all(text, '(?:^|[^0-9])(1[3-9][0-9]{9})(?:[^0-9]|$)', 1)) as phone
    from raw_messages
    where sender_type = 'visitor' and regexp_matches(text, '1[3-9][0-9]{9}')
  )
  union all
  select hash('lead', lead_id), unnest(['lead', 'visitor', 'phone', 'email', 'wechat', 'conversation', 'call']),
    unnest([lead_id, visitor_id, phone_hash, email_hash, wechat_hash, conversation_id, call_id])
  from raw_leads
  union all
  select hash('order', order_id), unnest(['order', 'visitor', 'customer', 'lead']), unnest([order_id, visitor_id, customer_id, lead_id])
  from raw_orders
)
select distinct rec, kind, value from facts where value is not null and trim(value) <> '';

-- Each identifier once, numbered (the union-find works on these numbers).
create or replace temp table idn_nodes as
select (row_number() over (order by kind, value))::INTEGER as node, kind, value
from (select distinct kind, value from idn_facts);

create or replace temp table idn_rec as
select f.rec, n.node, n.kind
from idn_facts f join idn_nodes n using (kind, value);

-- Shared identifiers: a placeholder by its form ("0", "null", "unknown"…; contact hashes cannot be read, so only the
-- counts catch them), or one linked to more than {{max_linked_ids}} other people's identifiers (visitor, member,
-- customer ids, phones, emails, WeChat ids) or found on more than {{max_records}} records. They link nobody. Record ids
-- too: an order's lead id "0" would otherwise join every such order.
create or replace temp table idn_blocked as
with multi as (
  -- records naming one identifier link nothing
  select * from idn_rec where rec in (select rec from idn_rec group by rec having count(*) > 1)
), co as (
  select a.node, count(distinct b.node) filter (where b.kind in ('visitor', 'member', 'customer', 'phone', 'email', 'wechat')) as linked_ids,
    count(distinct a.rec) as records
  from multi a join multi b on b.rec = a.rec and b.node <> a.node
  group by a.node
), judged as (
  select n.node, n.kind, n.value, coalesce(co.linked_ids, 0)::INTEGER as linked_ids, coalesce(co.records, 0)::INTEGER as records,
    regexp_matches(lower(trim(n.value)), '^(0+|-+|\.+|x+|\?+|null|none|nil|undefined|unknown|n/?a|anonymous|guest|test|default|temp)$') as placeholder
  from idn_nodes n left join co using (node)
)
select kind, value as id, linked_ids, records, case when placeholder then 'placeholder' else 'shared' end as reason, node
from judged
where placeholder or linked_ids > {{max_linked_ids}} or records > {{max_records}};

-- The links that remain: each record's identifiers joined to the record's first one (a star is enough for
-- connectivity), blocked identifiers left out.
create or replace temp table idn_edges as
with kept as (
  select r.rec, r.node from idn_rec r anti join idn_blocked b on b.node = r.node
), first as (
  select rec, min(node) as root from kept group by rec
)
select k.node as a, f.root as b from kept k join first f using (rec) where k.node <> f.root;

create or replace table identity_blocked__staged as
select kind, id, linked_ids, records, reason from idn_blocked order by kind, id;
