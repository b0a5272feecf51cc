-- ClickHouse twin of overview_daily.sql: visitors, chats, leads and orders per day (ids on the day first seen).
select day, sum(visitors) as visitors, sum(chat_requests) as chat_requests, sum(leads) as leads, sum(orders) as orders
from (
  select toString(toDate(intDiv(started_us, 1000000))) as day, uniqExact(visitor_id) as visitors, 0 as chat_requests, 0 as leads, 0 as orders
  from {{sessions}} where started_us >= {{from_us}} and started_us < {{to_us}} and {{site_filter}} group by day
  union all
  select toString(toDate(intDiv(requested_us, 1000000))) as day, 0, count(), 0, 0
  from {{conversations}} where requested_us >= {{from_us}} and requested_us < {{to_us}} and {{site_filter_nullable}} group by day
  union all
  select day, 0, 0, count(), 0 from (
    select toString(toDate(intDiv(min(ts_us), 1000000))) as day from (
      select lead_id as id, ts_us from {{leads}} where ts_us >= {{from_us}} and ts_us < {{to_us}} and {{site_filter_nullable}}
      union all
      select id, ts_us from {{events}} where type = 'lead' and {{ev}}
    ) group by id
  ) group by day
  union all
  select day, 0, 0, 0, count() from (
    select toString(toDate(intDiv(min(ts_us), 1000000))) as day from (
      select order_id as id, ts_us from {{orders}} where ts_us >= {{from_us}} and ts_us < {{to_us}} and {{site_filter_nullable}}
      union all
      select id, ts_us from {{events}} where type = 'order' and {{ev}}
    ) group by id
  ) group by day
)
group by day
order by day
