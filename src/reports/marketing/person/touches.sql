-- A person's touches (contacts in any channel) and conversions, from the identities tables (docs/metrics.md "Paths"):
-- a visit is a `web` touch; a chat is `chat` (web chat) or its channel (`wechat`, `app`, `weibo`, `email`…); a call is
-- `call` (inbound) or `call-out` (outbound). Chats, calls, leads and orders belong to the person whose customer_ids
-- hold their record id; probe chat requests, leads and orders that the exports do not have belong to the visitor's
-- person. kind_order breaks ties of one timestamp: visit, chat, call.
pv as (
  {{person_visitors}}
),
pr as (
  {{person_records}}
),
touches as (
  select pv.customer_id, s.started_at as ts, 'web' as channel, 'visit' as kind, s.session_id as ref, 0 as kind_order
  from sessions s join pv on pv.visitor_id = s.visitor_id
  where not coalesce(s.is_bot, false) and {{site_filter_s}}
  union all
  select pr.customer_id, c.requested_at, case when coalesce(c.channel, 'web') = 'web' then 'chat' else c.channel end, 'chat',
    c.conversation_id, 1
  from raw_conversations c join pr on pr.kind = 'conversation' and pr.id = c.conversation_id
  where {{site_filter_c}}
  union all
  select pv.customer_id, e.ts, 'chat', 'chat', coalesce(e.ref_id, e.event_id), 1
  from events e join pv on pv.visitor_id = e.visitor_id
  where e.type = 'chat_request' and not coalesce(e.is_bot, false) and {{site_filter_e}}
    and not exists (select 1 from raw_conversations c where c.conversation_id = e.ref_id)
  union all
  select pr.customer_id, c.offered_at, case when c.direction = 'outbound' then 'call-out' else 'call' end, 'call', c.call_id, 2
  from raw_calls c join pr on pr.kind = 'call' and pr.id = c.call_id
  where {{site_filter_c}}
),
conversions as (
  select pr.customer_id, l.ts, 'lead' as kind, l.lead_id as ref, null::DOUBLE as amount
  from raw_leads l join pr on pr.kind = 'lead' and pr.id = l.lead_id
  where {{site_filter_l}}
  union all
  select pr.customer_id, o.ts, 'order', o.order_id, o.amount
  from raw_orders o join pr on pr.kind = 'order' and pr.id = o.order_id
  where {{site_filter_o}}
  union all
  select pv.customer_id, e.ts, e.type, coalesce(e.ref_id, e.event_id), e.value
  from events e join pv on pv.visitor_id = e.visitor_id
  where e.type in ('lead', 'order') and not coalesce(e.is_bot, false) and {{site_filter_e}}
    and not exists (select 1 from raw_leads l where l.lead_id = e.ref_id)
    and not exists (select 1 from raw_orders o where o.order_id = e.ref_id)
)
