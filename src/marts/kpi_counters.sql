-- Additive service KPI counters per {{group}}; ratios are computed in TypeScript (src/reports/service/kpis.ts) so each formula is
-- tested once. One definition for the service report (any grouping and thresholds) and the service_kpis_daily mart.
-- Outbound calls are not service demand and are left out.
with marked as (
  select *,
    -- Repeat contact: the same customer comes back (any channel) within $repeat_days after this contact started.
    lead(started_at) over (partition by customer_key order by started_at, contact_id) as next_started_at
  from contact_facts
  where direction = 'inbound'
),
base as (
  select *, {{group}} as grp,
    customer_key is not null and next_started_at is not null
      and next_started_at <= started_at + to_days(cast($repeat_days as INTEGER)) as repeated
  from marked
  where ($from::TIMESTAMP is null or started_at >= $from::TIMESTAMP)
    and ($to::TIMESTAMP is null or started_at < $to::TIMESTAMP)
    and {{filter}}
)
select
  grp,
  count(*) filter (where offered) as offered,
  count(*) filter (where offered and answered) as answered,
  count(*) filter (where abandoned) as abandoned,
  count(*) filter (where abandoned and wait_s < $short_s) as short_abandoned,
  count(*) filter (where offered and answered and wait_s <= $threshold_s) as answered_within,
  count(*) filter (where abandoned and wait_s <= $threshold_s) as abandoned_within,
  coalesce(sum(wait_s) filter (where offered and answered), 0) as wait_sum,
  count(*) filter (where offered and answered and wait_s is null) as answered_wait_unknown,
  count(*) filter (where answered and handle_s is not null) as handle_n,
  coalesce(sum(handle_s) filter (where answered and handle_s is not null), 0) as handle_sum,
  count(*) filter (where kind = 'chat' and answered and first_response_s is not null) as first_response_n,
  coalesce(sum(first_response_s) filter (where kind = 'chat' and answered and first_response_s is not null), 0) as first_response_sum,
  coalesce(sum(reply_n), 0) as reply_n,
  coalesce(sum(reply_sum_s), 0) as reply_sum,
  count(*) filter (where answered and resolved is not null) as resolved_known,
  count(*) filter (where answered and resolved) as resolved_n,
  coalesce(sum(contact_duration_s) filter (where answered and resolved and contact_duration_s is not null), 0) as resolution_sum,
  count(*) filter (where answered and resolved and contact_duration_s is not null) as resolution_n,
  count(csat) filter (where answered) as csat_n,
  count(*) filter (where answered and csat >= 4) as csat_top2,
  coalesce(sum(csat) filter (where answered), 0) as csat_sum,
  count(*) filter (where answered and customer_key is not null) as repeat_base,
  count(*) filter (where answered and repeated) as repeats,
  count(*) filter (where bot_only) as bot_only
from base
group by grp
order by grp;
