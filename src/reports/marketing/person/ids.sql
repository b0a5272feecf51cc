-- Every identifier of one person, contacts with their masked form (as ingest stored it, or masked here from the chat
-- message the number was typed in: first 3 + **** + last 4). Never the raw contact.
with ids as (
  select kind, id from customer_ids where customer_id = $person
),
masks as (
  select 'phone' as kind, phone_hash as hash, phone_masked as masked from raw_calls
  where phone_hash in (select id from ids where kind = 'phone')
  union all
  select 'phone', phone_hash, phone_masked from raw_leads where phone_hash in (select id from ids where kind = 'phone')
  union all
  select 'email', email_hash, email_masked from raw_leads where email_hash in (select id from ids where kind = 'email')
  union all
  select 'wechat', wechat_hash, wechat_masked from raw_leads where wechat_hash in (select id from ids where kind = 'wechat')
  union all
  select 'phone', sha256(p), left(p, 3) || '****' || right(p, 4)
  from (
    select unnest(regexp_extract_all(text, '(?:^|[^0-9])(1[3-9][0-9]{9})(?:[^0-9]|$)', 1)) as p
    from raw_messages
    where sender_type = 'visitor' and conversation_id in (select id from ids where kind = 'conversation')
  )
)
select i.kind, i.id, (select min(m.masked) from masks m where m.kind = i.kind and m.hash = i.id and m.masked is not null) as masked
from ids i
order by i.kind, i.id
