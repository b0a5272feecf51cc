-- One person's chats (any channel): the agent, waiting and handling time, satisfaction and outcome.
select c.conversation_id, c.channel, c.requested_at, c.answered_at, c.ended_at, c.queue, c.agent_id,
  epoch(c.answered_at) - epoch(c.requested_at) as wait_s,
  epoch(c.ended_at) - epoch(coalesce(c.answered_at, c.requested_at)) as duration_s,
  c.csat, c.resolved, c.outcome
from raw_conversations c
join customer_ids i on i.kind = 'conversation' and i.id = c.conversation_id and i.customer_id = $person
where {{site_filter}} and c.requested_at >= $from::TIMESTAMP and c.requested_at < $to::TIMESTAMP
order by c.requested_at, c.conversation_id
