-- The directives that fired (the compiled rules' `directives`, src/scenarios/sql.ts, over the contexts scn_ctx and the
-- firings the limits let through, scn_fired), in time order: the scenarios pipeline stores this as scenario_matches
-- (or, incrementally, as the rows of the visitors it re-did).
select session_id, site, visitor_id, started_at, intent,
  scenario_id, priority, action_type, message, resource_id, resource_type, route_kind, route_target
from ({{directives}})
order by started_at, session_id, s, j
