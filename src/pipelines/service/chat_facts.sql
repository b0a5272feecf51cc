-- One row per conversation. The bot phase is excluded from agent waiting: the agent queue starts at the last bot
-- message before the first agent message (the hand-off), else at requested_at. System messages are ignored.
create or replace table chat_facts as
with m as (
  select conversation_id, seq, ts, sender_type
  from raw_messages where sender_type in ('visitor', 'agent', 'bot')
),
firsts as (
  select conversation_id,
    min(seq) filter (where sender_type = 'agent') as first_agent_seq,
    arg_min(ts, seq) filter (where sender_type = 'agent') as first_agent_at,
    count(*) filter (where sender_type = 'agent') as agent_msgs,
    count(*) filter (where sender_type = 'bot') as bot_msgs,
    count(*) filter (where sender_type = 'visitor') as visitor_msgs,
    max(ts) filter (where sender_type = 'visitor') as last_visitor_at
  from m group by conversation_id
),
handoffs as (
  select m.conversation_id, max(m.ts) as handoff_at
  from m join firsts f using (conversation_id)
  where m.sender_type = 'bot' and (f.first_agent_seq is null or m.seq < f.first_agent_seq)
  group by m.conversation_id
),
marks as (
  select f.*, h.handoff_at from firsts f left join handoffs h using (conversation_id)
),
-- Visitor turns: visitor messages between two non-visitor messages. turn = number of non-visitor messages so far;
-- the message that closes turn g is the non-visitor message whose running count is g + 1.
numbered as (
  select conversation_id, seq, ts, sender_type,
    sum(case when sender_type <> 'visitor' then 1 else 0 end) over (partition by conversation_id order by seq rows unbounded preceding) as k
  from m
),
turns as (
  select conversation_id, k as turn, min(ts) as asked_at from numbered where sender_type = 'visitor' group by conversation_id, k
),
closers as (
  select conversation_id, k - 1 as turn, ts as replied_at, sender_type, seq from numbered where sender_type <> 'visitor'
),
replies as (
  -- Agent replies after the first agent message; turns a bot closed or nobody closed do not count.
  select t.conversation_id, count(*) as reply_n,
    sum(greatest(date_diff('millisecond', t.asked_at, c.replied_at), 0) / 1000.0) as reply_sum_s
  from turns t
  join closers c on c.conversation_id = t.conversation_id and c.turn = t.turn
  join marks k on k.conversation_id = t.conversation_id
  where c.sender_type = 'agent' and c.seq > k.first_agent_seq
  group by t.conversation_id
)
select
  c.conversation_id,
  c.site,
  s.industry,
  c.channel,
  coalesce(c.queue, '(none)') as queue,
  c.agent_id,
  coalesce(c.customer_id, c.visitor_id) as customer_key,
  c.visitor_id,
  c.requested_at,
  coalesce(c.answered_at, k.first_agent_at) as answered_at,
  c.ended_at,
  coalesce(k.agent_msgs, 0) as agent_msgs,
  coalesce(k.bot_msgs, 0) as bot_msgs,
  coalesce(k.visitor_msgs, 0) as visitor_msgs,
  -- Served by the bot alone: never reached an agent. Not offered to agents (the bot layer's containment).
  coalesce(k.agent_msgs, 0) = 0 and c.answered_at is null and c.agent_id is null and coalesce(k.bot_msgs, 0) > 0 as bot_only,
  greatest(c.requested_at, coalesce(k.handoff_at, c.requested_at)) as queued_at,
  coalesce(c.answered_at, k.first_agent_at) is not null as answered,
  coalesce(c.quality, nullif(concat_ws(',',
    case when c.answered_at < c.requested_at then 'answer_before_request' end,
    case when c.answered_at is not null and c.ended_at < c.answered_at then 'end_before_answer' end,
    case when c.answered_at is null and c.ended_at < c.requested_at then 'end_before_request' end), '')) as quality,
  -- A recorded answer before the request (clock skew) leaves the wait unknown, not zero.
  case when c.answered_at < c.requested_at then null
       when coalesce(c.answered_at, k.first_agent_at) is not null
       then greatest(date_diff('millisecond', greatest(c.requested_at, coalesce(k.handoff_at, c.requested_at)), coalesce(c.answered_at, k.first_agent_at)), 0) / 1000.0
       when coalesce(c.ended_at, k.last_visitor_at) is not null
       then greatest(date_diff('millisecond', greatest(c.requested_at, coalesce(k.handoff_at, c.requested_at)), coalesce(c.ended_at, k.last_visitor_at)), 0) / 1000.0
  end as wait_s,
  case when coalesce(k.first_agent_at, c.answered_at) is not null
       then greatest(date_diff('millisecond', greatest(c.requested_at, coalesce(k.handoff_at, c.requested_at)), coalesce(k.first_agent_at, c.answered_at)), 0) / 1000.0
  end as first_response_s,
  case when coalesce(c.answered_at, k.first_agent_at) is not null and c.ended_at >= coalesce(c.answered_at, k.first_agent_at)
       then date_diff('millisecond', coalesce(c.answered_at, k.first_agent_at), c.ended_at) / 1000.0 end as handle_s,
  coalesce(r.reply_n, 0) as reply_n,
  coalesce(r.reply_sum_s, 0) as reply_sum_s,
  c.csat,
  c.resolved,
  c.outcome
from raw_conversations c
left join sites s on s.site = c.site
left join marks k on k.conversation_id = c.conversation_id
left join replies r on r.conversation_id = c.conversation_id;
