-- Every step a counting unit can take, one row each, from the intermediate tables and the raw sources
-- that the probe does not see (calls, leads, orders, conversations). Rows without a session (calls,
-- CRM leads/orders) are given the visitor's latest session that started at or before them (ASOF join).
sess as (
  select * from sessions where not coalesce(is_bot, false) and {{site_filter}}
),
src_direct as (
  select site, visitor_id, session_id, started_at as ts, 'session_start' as type, entry_url as url, entry_title as title, null::DOUBLE as value
  from sess where {{want_session_start}}
  union all
  select site, visitor_id, session_id, ts, type, url, title, value
  from events where not coalesce(is_bot, false) and {{site_filter}} and {{event_filter}}
),
src_raw as (
  select site, visitor_id, offered_at as ts, 'call_' || direction as type, null::VARCHAR as url, campaign as title, null::DOUBLE as value
  from raw_calls where visitor_id is not null and {{want_calls}} and {{site_filter_nullable}}
  union all
  select site, visitor_id, requested_at, 'chat_request', null, channel, null
  from raw_conversations where visitor_id is not null and {{want_chats}} and {{site_filter_nullable}}
  union all
  select site, visitor_id, ts, 'lead', null, product, null
  from raw_leads where visitor_id is not null and {{want_leads}} and {{site_filter_nullable}}
  union all
  select site, visitor_id, ts, 'order', null, product, amount
  from raw_orders where visitor_id is not null and {{want_orders}} and {{site_filter_nullable}}
),
src_raw_s as (
  select coalesce(r.site, m.site) as site, r.visitor_id, m.session_id, r.ts, r.type, r.url, r.title, r.value
  from src_raw r asof left join (select site, visitor_id, session_id, started_at from sess) m
    on r.visitor_id = m.visitor_id and r.ts >= m.started_at
),
src as (
  select * from src_direct
  union all
  select * from src_raw_s
)
