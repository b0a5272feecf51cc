-- Every stored script hit with its call and the turn's text (`ccx scripts hits --all`); $where filters the call.
select h.call_id, s.agent_id, s.campaign, s.site, s.offered_at, s.outcome, h.script_id, h.stage, h.turn_no, h.speaker,
       h.offset_ms, h.score, h.turn_stage, h.consequence, t.text
from script_hits h
join call_script_summary s using (call_id)
left join raw_transcript_turns t on t.call_id = h.call_id and t.turn_no = h.turn_no
where {{where}}
order by h.call_id, h.turn_no, h.script_id
