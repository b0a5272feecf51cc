-- One row per call that has a transcript and a call record: what the analysis and reports read.
create or replace table call_script_summary as
with t as (
  select call_id, count(*)::INTEGER as turns from raw_transcript_turns group by call_id
), sp as (
  select call_id,
         string_agg(stage, '>' order by seq) as stage_path,
         count(distinct stage)::INTEGER as stages_reached
  from call_stages group by call_id
), h as (
  select call_id,
         count(distinct script_id) filter (where not consequence)::INTEGER as scripts_hit,
         count(*)::INTEGER as hits
  from script_hits group by call_id
)
select c.call_id, c.site, c.agent_id, c.customer_id, c.campaign, c.queue, c.offered_at, c.outcome,
       coalesce(c.outcome = 'sale', false) as success,
       t.turns, sp.stage_path, coalesce(sp.stages_reached, 0) as stages_reached,
       coalesce(h.scripts_hit, 0) as scripts_hit, coalesce(h.hits, 0) as hits
from t
join raw_calls c using (call_id)
left join sp using (call_id)
left join h using (call_id);
