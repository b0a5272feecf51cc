-- Who handled which chats, and with what satisfaction (raw_conversations in [from, to)).
select
  coalesce(agent_id, '(unassigned)') as agent,
  count(*) as chats,
  count(answered_at) as answered,
  median(epoch(answered_at) - epoch(requested_at)) as median_wait_s,
  median(epoch(ended_at) - epoch(coalesce(answered_at, requested_at))) as median_duration_s,
  count(csat) as csat_responses,
  avg(csat) as csat_avg,
  avg(case when csat >= 4 then 1.0 when csat is not null then 0.0 end) as csat_top2,
  avg(case when resolved then 1.0 when resolved is not null then 0.0 end) as resolved_share
from raw_conversations
where requested_at >= $from::TIMESTAMP and requested_at < $to::TIMESTAMP and {{site_filter_nullable}}
group by all
order by chats desc, agent
