-- Per-day series for the overview chart.
with days as (
  select strftime(started_at, '%Y-%m-%d') as day, count(distinct visitor_id) as visitors
  from sessions where not coalesce(is_bot, false) and started_at >= $from::TIMESTAMP and started_at < $to::TIMESTAMP and {{site_filter}}
  group by all
),
chats as (
  select strftime(requested_at, '%Y-%m-%d') as day, count(*) as chat_requests
  from raw_conversations where requested_at >= $from::TIMESTAMP and requested_at < $to::TIMESTAMP and {{site_filter_nullable}} group by all
),
leads as (
  select strftime(ts, '%Y-%m-%d') as day, count(*) as leads
  from raw_leads where ts >= $from::TIMESTAMP and ts < $to::TIMESTAMP and {{site_filter_nullable}} group by all
),
orders as (
  select strftime(ts, '%Y-%m-%d') as day, count(*) as orders
  from raw_orders where ts >= $from::TIMESTAMP and ts < $to::TIMESTAMP and {{site_filter_nullable}} group by all
)
select day, coalesce(visitors, 0) as visitors, coalesce(chat_requests, 0) as chat_requests, coalesce(leads, 0) as leads, coalesce(orders, 0) as orders
from days full join chats using (day) full join leads using (day) full join orders using (day)
order by day
