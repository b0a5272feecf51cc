-- Service dashboard: one long table of (day, metric, value); day is null on the whole-range rows.
-- Sessions count by start time, page events by their time, steps (chats, leads, orders…) by their first time.
with
{{steps}},
sess as (
  select site, visitor_id, strftime(started_at, '%Y-%m-%d') as day from sessions
  where not coalesce(is_bot, false) and {{site_filter}} and started_at >= $from::TIMESTAMP and started_at < $to::TIMESTAMP
),
page_events as (
  select strftime(ts, '%Y-%m-%d') as day, type from events
  where not coalesce(is_bot, false) and {{site_filter}} and ts >= $from::TIMESTAMP and ts < $to::TIMESTAMP
    and type in ('pageview', 'invite_shown', 'invite_accepted', 'invite_declined')
),
range_steps as (
  select strftime(ts, '%Y-%m-%d') as day, type, amount from steps
  where ts >= $from::TIMESTAMP and ts < $to::TIMESTAMP
)
select day, metric, value from (
  select day, 'visitors' as metric, count(distinct (site, visitor_id))::DOUBLE as value
  from sess group by grouping sets ((day), ())
  union all
  select day, 'visits', count(*)::DOUBLE from sess group by grouping sets ((day), ())
  union all
  select day, type, count(*)::DOUBLE from page_events group by grouping sets ((day, type), (type))
  union all
  select day, type, count(*)::DOUBLE from range_steps group by grouping sets ((day, type), (type))
  union all
  select day, 'revenue', sum(amount) from range_steps where type = 'order' group by grouping sets ((day), ())
)
order by day nulls first, metric;

-- @agents
-- Who handled which chats, and how they were rated: conversations requested in the range, by agent.
with conv as (
  select conversation_id, coalesce(agent_id, '(unassigned)') as agent_id, answered_at, csat, resolved
  from raw_conversations
  where {{site_filter_nullable}} and requested_at >= $from::TIMESTAMP and requested_at < $to::TIMESTAMP
),
conv_leads as (
  select l.conversation_id, count(distinct l.lead_id) as leads, count(distinct o.order_id) as orders
  from raw_leads l left join raw_orders o on o.lead_id = l.lead_id
  where l.conversation_id is not null
  group by l.conversation_id
)
select c.agent_id,
  count(*) as chats,
  count(c.answered_at) as answered,
  count(c.csat) as rated,
  avg(c.csat) as avg_csat,
  count(*) filter (where c.csat >= 4) as csat_top2,
  count(*) filter (where c.resolved) as resolved,
  coalesce(sum(cl.leads), 0) as leads,
  coalesce(sum(cl.orders), 0) as orders
from conv c left join conv_leads cl on cl.conversation_id = c.conversation_id
group by c.agent_id
order by chats desc, c.agent_id
