-- ClickHouse twin of overview_agents.sql. DuckDB's median interpolates between the two middle values; 18.16's
-- quantileExact does not, so the median is taken from the sorted array.
select agent, chats, answered,
  {{median_wait}} as median_wait_s, {{median_duration}} as median_duration_s,
  csat_responses, csat_avg, csat_top2, resolved_share
from (
  select coalesce(agent_id, '(unassigned)') as agent,
    count() as chats,
    countIf(isNotNull(answered_us)) as answered,
    arraySort(groupArrayIf((answered_us - requested_us) / 1e6, isNotNull(answered_us))) as waits,
    arraySort(groupArrayIf((ended_us - coalesce(answered_us, requested_us)) / 1e6, isNotNull(ended_us))) as durations,
    countIf(isNotNull(csat)) as csat_responses,
    avgIf(csat, isNotNull(csat)) as csat_avg_raw,
    if(csat_responses = 0, null, csat_avg_raw) as csat_avg,
    if(csat_responses = 0, null, countIf(csat >= 4) / csat_responses) as csat_top2,
    if(countIf(isNotNull(resolved)) = 0, null, countIf(resolved = 1) / countIf(isNotNull(resolved))) as resolved_share
  from {{conversations}}
  where requested_us >= {{from_us}} and requested_us < {{to_us}} and {{site_filter_nullable}}
  group by agent
)
order by chats desc, agent
