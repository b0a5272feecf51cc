-- The directives that fired (sql-match.ts: the candidates scn_dir that the limits let through, scn_fired), with their
-- session's time and intent from its context (scn_ctx), in time order: the scenarios pipeline stores this as
-- scenario_matches (or, incrementally, as the rows of the visitors it re-did). {{scenario_id}}, {{priority}} and
-- {{action_type}}: the compiled scenarios' values looked up by d.s (and d.j).
select c.session_id, c.site, c.visitor_id, c.started_at, c.intent,
  {{scenario_id}} as scenario_id, {{priority}} as priority, {{action_type}} as action_type,
  d.message, d.resource_id, d.resource_type, d.route_kind, d.route_target
from scn_dir d
join scn_fired f on f.k = d.k and f.s = d.s
join scn_ctx c on c.rowid = d.k
order by c.started_at, c.session_id, d.s, d.j
