-- One visitor's or one person's timeline: visits, pages (with dwell), invitations and directives shown, chats,
-- calls, leads, orders and where each visit ended. pv holds the visitor ids (one, or every device of the person), pr
-- the person's records (calls, chats, leads, orders: customer_ids) — records naming one of the visitor ids count too.
-- kind_order keeps a visit's start first and its exit last among rows with the same timestamp. A probe
-- chat/lead/order event that the CRM also has is shown once (the CRM row, which carries agent, outcome and amount).
with
pv as (
  {{visitors}}
),
pr as (
  {{records}}
),
sess as (
  select * from sessions
  where visitor_id in (select id from pv) and {{site_filter}} and started_at >= $from::TIMESTAMP and started_at < $to::TIMESTAMP
),
chats as (
  select * from raw_conversations
  where visitor_id in (select id from pv) or conversation_id in (select id from pr where kind = 'conversation')
),
calls as (
  select * from raw_calls where visitor_id in (select id from pv) or call_id in (select id from pr where kind = 'call')
),
leads as (
  select * from raw_leads where visitor_id in (select id from pv) or lead_id in (select id from pr where kind = 'lead')
),
orders as (
  select * from raw_orders where visitor_id in (select id from pv) or order_id in (select id from pr where kind = 'order')
),
crm_ids as (
  select conversation_id as id from chats
  union all select lead_id from leads
  union all select order_id from orders
)
select * from (
  select started_at as ts, session_id, visitor_id, visit_number, 0 as kind_order, 'visit' as kind, 'web' as channel, entry_url as url,
    concat_ws(' · ', 'visit ' || visit_number, coalesce(medium, 'direct') || coalesce(' / ' || source, ''),
      case when term is not null then '"' || term || '"' end, concat_ws(' ', province, city), device_type) as detail,
    null::DOUBLE as dwell_s
  from sess
  union all
  select e.ts, e.session_id, e.visitor_id, s.visit_number, 1,
    case when e.type = 'pageview' then 'page' else e.type end, 'web',
    e.url,
    case
      when e.type = 'pageview' then e.title
      when e.type like 'invite_%' then 'directive ' || coalesce(e.directive_id, '?')
      when e.type = 'click' then concat_ws(' ', e.selector, '@' || e.x || ',' || e.y)
      else concat_ws(' ', e.ref_id, case when e.value is not null then cast(e.value as VARCHAR) end)
    end,
    e.dwell_s
  from events e join sess s on s.session_id = e.session_id
  where e.type not in ('heartbeat', {{skip_clicks}}) and not (e.type in ('chat_request', 'lead', 'order') and e.ref_id in (select id from crm_ids))
  union all
  select m.started_at, m.session_id, s.visitor_id, s.visit_number, 1, 'directive', 'web', null,
    concat_ws(' · ', m.scenario_id, m.action_type, m.message), null
  from {{scenario_matches}} m join sess s on s.session_id = m.session_id
  union all
  select requested_at, null, visitor_id, null, 1, 'chat', case when coalesce(channel, 'web') = 'web' then 'chat' else channel end, null,
    concat_ws(' · ', conversation_id, channel, case when answered_at is null then 'not answered' else 'agent ' || coalesce(agent_id, '?') end,
      case when csat is not null then 'csat ' || csat end, outcome),
    epoch(ended_at) - epoch(coalesce(answered_at, requested_at))
  from chats where {{site_filter_nullable}} and requested_at >= $from::TIMESTAMP and requested_at < $to::TIMESTAMP
  union all
  select offered_at, null, visitor_id, null, 1, 'call', case when direction = 'outbound' then 'call-out' else 'call' end, null,
    concat_ws(' · ', call_id, direction, disposition, case when agent_id is not null then 'agent ' || agent_id end, outcome,
      case when csat is not null then 'csat ' || csat end),
    epoch(ended_at) - epoch(coalesce(answered_at, offered_at))
  from calls where {{site_filter_nullable}} and offered_at >= $from::TIMESTAMP and offered_at < $to::TIMESTAMP
  union all
  select ts, null, visitor_id, null, 1, 'lead', channel, null, concat_ws(' · ', lead_id, channel, product, intent, status), null
  from leads where {{site_filter_nullable}} and ts >= $from::TIMESTAMP and ts < $to::TIMESTAMP
  union all
  select ts, null, visitor_id, null, 1, 'order', channel, null, concat_ws(' · ', order_id, product, cast(amount as VARCHAR) || coalesce(' ' || currency, '')), null
  from orders where {{site_filter_nullable}} and ts >= $from::TIMESTAMP and ts < $to::TIMESTAMP
  union all
  select ended_at, session_id, visitor_id, visit_number, 2, 'exit', 'web', exit_url,
    'left after ' || pageviews || ' page' || case when pageviews = 1 then '' else 's' end || ', ' || cast(round(duration_s) as BIGINT) || ' s' ||
      case when bounce then ' (bounce)' else '' end,
    duration_s
  from sess
)
order by ts, kind_order, kind, url, visitor_id
