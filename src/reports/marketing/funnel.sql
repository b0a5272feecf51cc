-- Funnel: stage 1 inside [from, to); each later stage within the window after stage 1.
-- se holds (unit, session_id, ts, stage) rows; s2…sN are the per-stage CTEs built in funnel.ts
-- (ordered: stage k at or after stage k−1; any order: anywhere in the window).
with
{{source}},
se as (
  {{stage_events}}
),
u as (
  {{units}}
){{steps}},
-- units that got past stage 1 are few: the later stages' counts and medians aggregate only them
f as (
  select u.*{{step_columns}}
  from reached r join u on u.unit = r.unit
),
entered as (
  select {{dim_cols}}count(*) as n1
  from u
  {{group_by}}
),
converted as (
  select {{dim_cols}}{{aggregates}}
  from f
  {{group_by}}
)
select e.*, c.* exclude ({{exclude}})
from entered e left join converted c on {{match}}
