-- Per-day series for the overview chart. Leads and orders are counted as overview_kpis.sql counts them (CRM rows and
-- probe events, one per id), each on the day it was first seen, so the days add up to the period's totals.
with days as (
  select strftime(started_at, '%Y-%m-%d') as day, count(distinct visitor_id) as visitors
  from sessions where not coalesce(is_bot, false) and started_at >= $from::TIMESTAMP and started_at < $to::TIMESTAMP and {{site_filter}}
  group by all
),
chats as (
  select strftime(requested_at, '%Y-%m-%d') as day, count(*) as chat_requests
  from raw_conversations where requested_at >= $from::TIMESTAMP and requested_at < $to::TIMESTAMP and {{site_filter_nullable}} group by all
),
ev as (
  select type, coalesce(ref_id, event_id) as id, ts from events
  where type in ('lead', 'order') and not coalesce(is_bot, false) and ts >= $from::TIMESTAMP and ts < $to::TIMESTAMP and {{site_filter}}
),
lead_ids as (
  select lead_id as id, ts from raw_leads where ts >= $from::TIMESTAMP and ts < $to::TIMESTAMP and {{site_filter_nullable}}
  union all
  select id, ts from ev where type = 'lead'
),
leads as (
  select day, count(*) as leads from (select strftime(min(ts), '%Y-%m-%d') as day from lead_ids group by id) group by day
),
order_ids as (
  select order_id as id, ts from raw_orders where ts >= $from::TIMESTAMP and ts < $to::TIMESTAMP and {{site_filter_nullable}}
  union all
  select id, ts from ev where type = 'order'
),
orders as (
  select day, count(*) as orders from (select strftime(min(ts), '%Y-%m-%d') as day from order_ids group by id) group by day
)
select day, coalesce(visitors, 0) as visitors, coalesce(chat_requests, 0) as chat_requests, coalesce(leads, 0) as leads, coalesce(orders, 0) as orders
from days full join chats using (day) full join leads using (day) full join orders using (day)
order by day
