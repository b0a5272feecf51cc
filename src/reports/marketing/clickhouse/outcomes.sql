-- ClickHouse twin of steps.sql's session_outcomes, run on each shard against its local ccx_steps (one visitor's steps
-- and sessions share a shard): each (type, step_id) counts once, on its earliest session from {{from_us}} on.
select assumeNotNull(session_id) as session_id,
  max(type in ('chat_request', 'message', 'call_inbound')) as inquiry,
  max(type = 'lead') as lead,
  max(type = 'order') as ordered
from (
  select type, step_id, argMinIf(session_id, ts_us, isNotNull(session_id)) as session_id
  from {{steps_local}}
  where ts_us >= {{from_us}} and {{site_filter_nullable}}
  group by type, step_id
)
where isNotNull(session_id) and session_id != ''
group by session_id
