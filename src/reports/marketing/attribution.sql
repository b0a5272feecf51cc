-- Conversion paths: every lead and order in the range (steps.sql: probe and CRM, counted once) with the
-- visitor's (--unit customer: the person's) non-bot sessions that started at or before it and within the lookback window, oldest first.
-- A conversion without such a session keeps one row with a null touch.
with
{{steps}},
conv as (
  select type as conversion, step_id, ts, site, visitor_id, amount from steps
  where type in ('lead', 'order') and ts >= $from::TIMESTAMP and ts < $to::TIMESTAMP and {{conversion_filter}}
),
-- the visitor ids whose sessions are a conversion's touches: its own, or (--unit customer) every one of its person's
touch_visitors as (
  {{touch_visitors}}
),
-- an inner equi-join on the visitor first (a hash join); the left join below keeps conversions without touches
touches as (
  select c.conversion, c.step_id, s.session_id, s.started_at, {{channel}} as channel
  from conv c join touch_visitors tv on tv.conversion = c.conversion and tv.step_id = c.step_id
  join sessions s on s.visitor_id = tv.visitor_id
  where s.site = coalesce(c.site, s.site) and not coalesce(s.is_bot, false)
    and s.started_at <= c.ts and s.started_at > c.ts - INTERVAL {{lookback_s}} SECOND
)
select c.conversion, c.step_id, c.ts as conversion_ts, c.visitor_id, c.amount,
  t.session_id, t.started_at as touch_ts, t.channel
from conv c
left join touches t on t.conversion = c.conversion and t.step_id = c.step_id
order by c.conversion, c.step_id, t.started_at
