-- Funnel: stage 1 inside [from, to); each later stage within the window after stage 1.
-- se holds (unit, session_id, ts, stage) rows; s2…sN are the per-stage CTEs built in funnel.ts
-- (strict order: stage k at or after stage k−1; any order: anywhere in the window).
with
{{source}},
se as (
  {{stage_events}}
),
s1 as (
  select unit, arg_min(session_id, ts) as entry_session, min(ts) as t1
  from se
  where stage = 1 and ts >= $from::TIMESTAMP and ts < $to::TIMESTAMP and unit is not null
  group by unit
),
u as (
  select s1.unit, s1.t1, {{dims}}
  from s1
  left join sess s on s.session_id = s1.entry_session
  left join {{intents}} si on si.session_id = s1.entry_session
  where {{where}}
){{steps}},
f as (
  select u.*{{step_columns}}
  from u{{step_joins}}
)
select {{dim_cols}}{{aggregates}}
from f
group by grouping sets ({{grouping}})
