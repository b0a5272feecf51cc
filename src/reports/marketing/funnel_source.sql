-- Every step a counting unit can take, one row each, from the intermediate tables and the raw sources
-- that the probe does not see (calls, leads, orders, conversations). Rows without a session (calls,
-- CRM leads/orders) are given the visitor's latest session that started at or before them (ASOF join).
-- With --unit customer every row also carries its person's customer_key (funnel.ts PERSON_KEYS): raw rows without
-- a visitor id count too, through their record id.
sess as (
  select s.*{{sess_key}} from sessions s{{sess_join}} where not coalesce(s.is_bot, false) and {{site_filter}}
),
src_direct as (
  select site, visitor_id, session_id, started_at as ts, 'session_start' as type, entry_url as url, entry_title as title, null::DOUBLE as value{{session_key}}
  from sess where {{want_session_start}}
  union all
  select e.site, e.visitor_id, e.session_id, e.ts, e.type, e.url, e.title, e.value{{event_key}}
  from events e{{event_join}} where not coalesce(e.is_bot, false) and {{site_filter}} and {{event_filter}}
),
src_raw as (
  select site, visitor_id, offered_at as ts, 'call_' || direction as type, null::VARCHAR as url, campaign as title, null::DOUBLE as value,
    'call' as rec_kind, call_id as rec_id
  from raw_calls where {{raw_visitor_filter}} and {{want_calls}} and {{site_filter_nullable}}
  union all
  select site, visitor_id, requested_at, 'chat_request', null, channel, null, 'conversation', conversation_id
  from raw_conversations where {{raw_visitor_filter}} and {{want_chats}} and {{site_filter_nullable}}
  union all
  select site, visitor_id, ts, 'lead', null, product, null, 'lead', lead_id
  from raw_leads where {{raw_visitor_filter}} and {{want_leads}} and {{site_filter_nullable}}
  union all
  select site, visitor_id, ts, 'order', null, product, amount, 'order', order_id
  from raw_orders where {{raw_visitor_filter}} and {{want_orders}} and {{site_filter_nullable}}
),
src_raw_s as (
  select coalesce(r.site, m.site) as site, r.visitor_id, m.session_id, r.ts, r.type, r.url, r.title, r.value{{raw_key}}
  from src_raw r asof left join (select site, visitor_id, session_id, started_at from sess) m
    on r.visitor_id = m.visitor_id and r.ts >= m.started_at{{raw_join}}
),
src as (
  select * from src_direct
  union all
  select * from src_raw_s
)
