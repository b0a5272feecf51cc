-- The matches of scenario_matches_stage (sql-match.ts) with their session's time and intent, in time order: the
-- scenarios pipeline stores this as scenario_matches (or, incrementally, as the rows of the visitors in {{only}}).
select m.session_id, s.site, s.visitor_id, s.started_at, i.intent,
  m.scenario_id, m.priority, m.action_type, m.message, m.resource_id, m.resource_type, m.route_kind, m.route_target
from scenario_matches_stage m
join sessions s using (session_id)
left join session_intents i using (session_id)
order by s.started_at, m.session_id, m.seq
