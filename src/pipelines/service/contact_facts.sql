-- Calls and chats in one shape: what KPIs, agent scores and layers aggregate.
create or replace table contact_facts as
select
  'call' as kind, call_id as contact_id, site, industry, channel, queue, agent_id, customer_key, visitor_id,
  direction, offered_at as started_at, answered_at, ended_at,
  direction = 'inbound' as offered, answered, abandoned, false as bot_only,
  wait_s, wait_s as first_response_s, talk_s, hold_s, wrap_s,
  -- A call whose end precedes its answer has no known handle time (a missing end still counts as talk 0).
  case when answered and coalesce(quality, '') not like '%end_before_answer%' then coalesce(talk_s, 0) + hold_s + wrap_s end as handle_s,
  0 as reply_n, 0.0 as reply_sum_s, csat,
  -- A call resolves unless its outcome says otherwise ({{unresolved}}: src/vocab/values.ts); with no outcome at all the
  -- status is unknown (left out of the resolution rate), never assumed resolved.
  case when answered and outcome is not null then outcome not in ({{unresolved}}) end as resolved,
  case when answered and ended_at is not null then date_diff('millisecond', offered_at, ended_at) / 1000.0 end as contact_duration_s,
  outcome, transferred_from, quality
from call_facts
union all
select
  'chat', conversation_id, site, industry, channel, queue, agent_id, customer_key, visitor_id,
  'inbound', requested_at, answered_at, ended_at,
  not bot_only, answered, not bot_only and not answered, bot_only,
  wait_s, first_response_s, null, null, null,
  handle_s,
  reply_n, reply_sum_s, csat,
  resolved,
  case when ended_at is not null then date_diff('millisecond', requested_at, ended_at) / 1000.0 end,
  outcome, null, quality
from chat_facts;
