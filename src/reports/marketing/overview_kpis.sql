-- Service dashboard figures for [from, to): see docs/metrics.md "ccx report overview".
with
ev as (
  select type, ref_id, event_id, visitor_id from events
  where not coalesce(is_bot, false) and ts >= $from::TIMESTAMP and ts < $to::TIMESTAMP and {{site_filter}}
),
conv as (
  select * from raw_conversations where requested_at >= $from::TIMESTAMP and requested_at < $to::TIMESTAMP and {{site_filter_nullable}}
),
lead_ids as (
  select lead_id as id from raw_leads where ts >= $from::TIMESTAMP and ts < $to::TIMESTAMP and {{site_filter_nullable}}
  union
  select coalesce(ref_id, event_id) from ev where type = 'lead'
),
order_ids as (
  select order_id as id from raw_orders where ts >= $from::TIMESTAMP and ts < $to::TIMESTAMP and {{site_filter_nullable}}
  union
  select coalesce(ref_id, event_id) from ev where type = 'order'
)
select
  (select count(distinct visitor_id) from sessions
    where not coalesce(is_bot, false) and started_at >= $from::TIMESTAMP and started_at < $to::TIMESTAMP and {{site_filter}}) as visitors,
  (select count(*) from sessions
    where not coalesce(is_bot, false) and started_at >= $from::TIMESTAMP and started_at < $to::TIMESTAMP and {{site_filter}}) as visits,
  (select count(*) from ev where type = 'pageview') as page_views,
  (select count(*) from ev where type = 'invite_shown') as invitations_shown,
  (select count(*) from ev where type = 'invite_accepted') as invitations_accepted,
  (select count(*) from ev where type = 'chat_request') as chat_requests_probe,
  (select count(*) from conv) as chat_requests,
  (select count(*) from conv where answered_at is not null) as successful_chats,
  (select count(*) from lead_ids) as leads,
  (select count(*) from ev where type = 'register') as registrations,
  (select count(*) from ev where type = 'message') as left_messages,
  (select count(*) from order_ids) as orders,
  (select coalesce(sum(amount), 0) from raw_orders where ts >= $from::TIMESTAMP and ts < $to::TIMESTAMP and {{site_filter_nullable}}) as order_amount,
  (select count(*) from raw_calls where direction = 'inbound' and offered_at >= $from::TIMESTAMP and offered_at < $to::TIMESTAMP and {{site_filter_nullable}}) as inbound_calls
