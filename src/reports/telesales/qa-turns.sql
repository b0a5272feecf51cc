-- Call transcripts for quality inspection: every turn of the answered calls in the filter, with the call's agent.
select t.call_id as conversation_id, c.agent_id, t.turn_no, t.speaker, t.start_ms, t.end_ms, t.text
from raw_transcript_turns t
join raw_calls c using (call_id)
where {{where}}
order by t.call_id, t.turn_no
