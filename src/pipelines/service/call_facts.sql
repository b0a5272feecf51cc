-- One row per call with the durations service KPIs need (docs/metrics.md "Service quality").
create or replace table call_facts as
select
  c.call_id,
  c.site,
  s.industry,
  c.direction,
  coalesce(c.queue, '(none)') as queue,
  'phone' as channel,
  c.agent_id,
  coalesce(c.customer_id, c.phone_hash, c.visitor_id) as customer_key,
  c.visitor_id,
  c.offered_at,
  c.answered_at,
  c.ended_at,
  c.answered_at is not null as answered,
  c.direction = 'inbound' and c.answered_at is null as abandoned,
  -- Time-order flags (docs/formats.md "Data quality"): ingest's, or the same rule for rows loaded before it existed.
  coalesce(c.quality, nullif(concat_ws(',',
    case when c.answered_at < c.offered_at then 'answer_before_offer' end,
    case when c.answered_at is not null and c.ended_at < c.answered_at then 'end_before_answer' end,
    case when c.answered_at is null and c.ended_at < c.offered_at then 'end_before_offer' end), '')) as quality,
  -- Answered: offered → answered. Abandoned: offered → hang-up (unknown when ended_at is missing). A time that runs
  -- backwards (clock skew between systems) is unknown, not negative and not zero.
  case when c.answered_at is not null then case when c.answered_at >= c.offered_at then date_diff('millisecond', c.offered_at, c.answered_at) / 1000.0 end
       when c.ended_at >= c.offered_at then date_diff('millisecond', c.offered_at, c.ended_at) / 1000.0 end as wait_s,
  case when c.answered_at is not null and c.ended_at >= c.answered_at
       then date_diff('millisecond', c.answered_at, c.ended_at) / 1000.0 end as talk_s,
  case when c.answered_at is not null then coalesce(c.hold_s, 0) end as hold_s,
  case when c.answered_at is not null then coalesce(c.wrap_s, 0) end as wrap_s,
  c.csat,
  c.disposition,
  c.outcome,
  c.transferred_from
from raw_calls c
left join sites s on s.site = c.site;
