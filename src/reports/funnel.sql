-- Funnel: stage 1 inside [from, to); each later stage within the window after stage 1.
-- se holds (unit, session_id, ts, stage) rows; s2…sN are the per-stage CTEs built in funnel.ts
-- (strict order: stage k at or after stage k−1; any order: anywhere in the window).
with
{{source}},
se as (
  {{stage_events}}
),
u as (
  {{units}}
){{steps}},
f as (
  select u.*{{step_columns}}
  from u{{step_joins}}
)
select {{dim_cols}}{{aggregates}}
from f
group by grouping sets ({{grouping}})
