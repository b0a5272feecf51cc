-- ClickHouse twin of overview_kpis.sql: each figure a scalar subquery over the Distributed tables.
select
  (select uniqExact(visitor_id) from {{sessions}} where started_us >= {{from_us}} and started_us < {{to_us}} and {{site_filter}}) as visitors,
  (select count() from {{sessions}} where started_us >= {{from_us}} and started_us < {{to_us}} and {{site_filter}}) as visits,
  (select countIf(type = 'pageview') from {{events}} where {{ev}}) as page_views,
  (select countIf(type = 'invite_shown') from {{events}} where {{ev}}) as invitations_shown,
  (select countIf(type = 'invite_accepted') from {{events}} where {{ev}}) as invitations_accepted,
  (select countIf(type = 'chat_request') from {{events}} where {{ev}}) as chat_requests_probe,
  (select count() from {{conversations}} where requested_us >= {{from_us}} and requested_us < {{to_us}} and {{site_filter_nullable}}) as chat_requests,
  (select countIf(isNotNull(answered_us)) from {{conversations}} where requested_us >= {{from_us}} and requested_us < {{to_us}} and {{site_filter_nullable}}) as successful_chats,
  (select uniqExact(id) from (
    select lead_id as id from {{leads}} where ts_us >= {{from_us}} and ts_us < {{to_us}} and {{site_filter_nullable}}
    union all
    select id from {{events}} where type = 'lead' and {{ev}})) as leads,
  (select countIf(type = 'register') from {{events}} where {{ev}}) as registrations,
  (select countIf(type = 'message') from {{events}} where {{ev}}) as left_messages,
  (select uniqExact(id) from (
    select order_id as id from {{orders}} where ts_us >= {{from_us}} and ts_us < {{to_us}} and {{site_filter_nullable}}
    union all
    select id from {{events}} where type = 'order' and {{ev}})) as orders,
  (select sum(coalesce(amount, 0)) from {{orders}} where ts_us >= {{from_us}} and ts_us < {{to_us}} and {{site_filter_nullable}}) as order_amount,
  (select countIf(direction = 'inbound') from {{calls}} where offered_us >= {{from_us}} and offered_us < {{to_us}} and {{site_filter_nullable}}) as inbound_calls
