-- Chats an agent holds at once, time-weighted over the time the agent holds at least one chat.
-- Sweep of +1 (answered) / −1 (ended) events per agent; at equal times an end is applied before a start,
-- so back-to-back chats do not count as concurrent.
with ev as (
  select agent_id, answered_at as t, 1 as d from chat_facts
  where answered and agent_id is not null and ended_at > answered_at
    and ($from::TIMESTAMP is null or requested_at >= $from::TIMESTAMP) and ($to::TIMESTAMP is null or requested_at < $to::TIMESTAMP)
  union all
  select agent_id, ended_at, -1 from chat_facts
  where answered and agent_id is not null and ended_at > answered_at
    and ($from::TIMESTAMP is null or requested_at >= $from::TIMESTAMP) and ($to::TIMESTAMP is null or requested_at < $to::TIMESTAMP)
),
levels as (
  select agent_id, t,
    sum(d) over (partition by agent_id order by t, d rows unbounded preceding) as level,
    lead(t) over (partition by agent_id order by t, d) as next_t
  from ev
),
segments as (
  select agent_id, t, level, date_diff('millisecond', t, next_t) / 1000.0 as dur_s
  from levels where next_t is not null and level > 0 and next_t > t
)
select cast({{group}} as VARCHAR) as grp,
  sum(level * dur_s) as weighted_s,
  sum(dur_s) as busy_s,
  max(level) as max_concurrent
from segments group by grp order by grp;
