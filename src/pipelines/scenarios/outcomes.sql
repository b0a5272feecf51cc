-- What each session led to: a lead or an order during the session, or by the same visitor afterwards.
-- A plain SELECT: the pipeline stores it as session_outcomes; replay runs it directly. {{only}}: every session, or (an
-- incremental run) those of some visitors; vid (hash of the visitor id) is what such a run replaces rows by.
-- Sources: lead/order probe events (the `events` view, or an incremental run's raw rows of them with their sessions),
-- and leads.csv / orders.csv rows that carry the visitor id.
with conv as (
  select site, visitor_id, ts, 'lead' as kind from raw_leads where visitor_id is not null and {{only}}
  union all
  select site, visitor_id, ts, 'order' as kind from raw_orders where visitor_id is not null and {{only}}
  union all
  select site, visitor_id, ts, type as kind from {{events}} where type in ('lead', 'order') and {{only}}
)
select s.session_id,
  coalesce(bool_or(c.kind = 'lead' and c.ts <= s.ended_at), false) as lead_in_session,
  coalesce(bool_or(c.kind = 'order' and c.ts <= s.ended_at), false) as order_in_session,
  coalesce(bool_or(c.kind = 'lead' and c.ts > s.ended_at), false) as lead_later,
  coalesce(bool_or(c.kind = 'order' and c.ts > s.ended_at), false) as order_later,
  count(c.ts) > 0 as converted,
  hash(any_value(s.visitor_id)) as vid
-- {{sessions}}: the view, or (an incremental run) sessions_core, which has these columns (the view joins every
-- session's dimensions before the filter)
from (select session_id, site, visitor_id, started_at, ended_at from {{sessions}} where {{only}}) s
left join conv c
  on c.visitor_id = s.visitor_id and (c.site is null or c.site = s.site) and c.ts >= s.started_at
group by s.session_id
