-- Chat messages for quality inspection: every message of the conversations in the filter, times in epoch ms.
select m.conversation_id, c.agent_id, m.seq, epoch_ms(m.ts) as ts_ms, m.sender_type, m.text
from raw_messages m
join raw_conversations c using (conversation_id)
where {{where}}
order by m.conversation_id, m.seq
