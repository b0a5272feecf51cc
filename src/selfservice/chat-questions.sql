-- What visitors came to ask: the first message of at least 4 characters of each conversation.
select text from (
  select text, row_number() over (partition by conversation_id order by seq) as rn
  from raw_messages
  where sender_type = 'visitor' and text is not null and length(trim(text)) >= 4
)
where rn = 1
