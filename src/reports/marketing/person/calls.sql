-- One person's calls, both directions: the agent, talk time, disposition, satisfaction and outcome.
select c.call_id, c.direction, c.offered_at, c.answered_at, c.ended_at, c.queue, c.agent_id, c.campaign,
  epoch(c.ended_at) - epoch(c.answered_at) as talk_s,
  c.disposition, c.csat, c.outcome, c.transferred_from
from raw_calls c
join customer_ids i on i.kind = 'call' and i.id = c.call_id and i.customer_id = $person
where {{site_filter}} and c.offered_at >= $from::TIMESTAMP and c.offered_at < $to::TIMESTAMP
order by c.offered_at, c.call_id
