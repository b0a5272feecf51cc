-- Agent replies of chat history, with the group (queue) of the conversation.
select coalesce(c.queue, '(none)') as grp, m.text
from raw_messages m join raw_conversations c using (conversation_id)
where m.sender_type = 'agent' and m.text is not null and trim(m.text) <> ''
  and ($grp::VARCHAR is null or c.queue = $grp::VARCHAR)
  and ($from::VARCHAR is null or c.requested_at >= $from::TIMESTAMP)
  and ($to::VARCHAR is null or c.requested_at < $to::TIMESTAMP)
order by m.conversation_id, m.seq
