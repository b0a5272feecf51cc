-- The directives that fired (the compiled rules' `directives`, src/scenarios/sql.ts, over the contexts scn_ctx and the
-- firings the limits let through, scn_fired): the scenarios pipeline stores this as scenario_matches (or, incrementally,
-- as the rows of the visitors it re-did). In no order: incremental runs append anyway, readers sort what they show, and
-- sorting ~1 M wide rows was half of this statement's time.
select session_id, site, visitor_id, started_at, intent,
  scenario_id, priority, action_type, message, resource_id, resource_type, route_kind, route_target
from ({{directives}})
