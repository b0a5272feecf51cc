-- ClickHouse twin of funnel.sql on the marts (ccx_sessions, ccx_funnel_steps). Sent to every shard by the Distributed
-- ccx_sessions: each unit's steps come from the shard's local ccx_funnel_steps (one visitor's rows share a shard) as
-- arrays, and each later stage's first step in the window is found with array functions (18.16 has no non-equi joins).
-- {{stage_times}} defines t2…tN from the arrays; the shards' counts and medians are merged by the initiator.
select {{dim_cols}} {{is_total}} as is_total, count() as n1{{aggregates}}
from (
  select {{unit_key}}, s.started_us as t1{{dim_exprs}}{{stage_times}}
  from {{sessions}} as s
  any left join (
    select {{unit_key}}, groupArray(ts_us) as ts_arr, groupArray(stage) as st_arr
    from ({{stage_events}})
    group by {{unit_key}}
  ) using {{unit_key}}
  where s.started_us >= {{from_us}} and s.started_us < {{to_us}} and {{site_filter}} and {{entry}} and {{where}}
)
{{group_by}}
