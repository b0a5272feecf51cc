-- Days with data in any published table (the default range of `ccx warehouse publish`).
select strftime(min(a), '%Y-%m-%d') as first, strftime(max(b), '%Y-%m-%d') as last from (
  select min(started_at) as a, max(started_at) as b from mart_sessions
  union all select min(ts), max(ts) from mart_funnel_steps
  union all select min(ts), max(ts) from events
  union all select min(requested_at), max(requested_at) from raw_conversations
  union all select min(ts), max(ts) from raw_leads
  union all select min(ts), max(ts) from raw_orders
  union all select min(offered_at), max(offered_at) from raw_calls
)
