-- One scenario context per non-bot session (in no order: match.ts sorts them), with the agent who served the visitor last
-- before the session (chat or call), when known. `only`: all visitors, or (an incremental run) some of them (the calls
-- and chats read); `sessions`: the view, or its rows over the sessions to match alone.
with served as (
  select visitor_id, coalesce(answered_at, requested_at) as ts, agent_id from raw_conversations where agent_id is not null and visitor_id is not null and {{only}}
  union all
  select visitor_id, coalesce(answered_at, offered_at) as ts, agent_id from raw_calls where agent_id is not null and visitor_id is not null and {{only}}
), s as (
  select * from {{sessions}} s
  where not coalesce(is_bot, false)
    and ($from::VARCHAR is null or started_at >= $from::TIMESTAMP)
    and ($to::VARCHAR is null or started_at < $to::TIMESTAMP)
)
select s.session_id, s.site, s.visitor_id,
  i.intent, coalesce(i.confidence, 0) as confidence,
  s.province, s.city, s.source, s.medium, s.term,
  coalesce(s.visit_number, 1)::INTEGER as visit_number,
  coalesce(s.duration_s, 0)::DOUBLE as dwell_s,
  coalesce(s.pageviews, 0)::INTEGER as pages,
  s.entry_url as url,
  hour(s.started_at)::INTEGER as hour,
  s.device_type as device,
  p.agent_id as previous_agent,
  s.started_at
from s
left join session_intents i using (session_id)
asof left join served p on p.visitor_id = s.visitor_id and s.started_at > p.ts
