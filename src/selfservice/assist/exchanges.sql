-- Each customer message followed directly by an agent reply (bot and system lines left out), with the conversation's
-- outcome: resolved, a lead (raw_leads.conversation_id or outcome lead/sale), CSAT.
with m as (
  select conversation_id, seq, sender_type, text,
         lead(sender_type) over w as next_type,
         lead(text) over w as next_text
  from raw_messages
  where sender_type in ('visitor', 'agent') and text is not null and trim(text) <> ''
  window w as (partition by conversation_id order by seq)
),
leads as (select distinct conversation_id from raw_leads where conversation_id is not null)
select m.conversation_id, c.queue as grp, m.text as customer, m.next_text as reply, c.resolved, c.csat,
       (coalesce(c.outcome in ('lead', 'sale'), false) or l.conversation_id is not null) as has_lead
from m
join raw_conversations c using (conversation_id)
left join leads l using (conversation_id)
where m.sender_type = 'visitor' and m.next_type = 'agent'
  and ($from::VARCHAR is null or c.requested_at >= $from::TIMESTAMP)
  and ($to::VARCHAR is null or c.requested_at < $to::TIMESTAMP)
order by m.conversation_id, m.seq
