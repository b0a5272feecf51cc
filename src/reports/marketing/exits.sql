-- Silent exits: sessions started in the range that ended without a contact (chat request, left message,
-- inbound call) or a conversion (lead, order), by the session's intent and its exit page.
with
{{steps}},
f as (
  select s.session_id, coalesce(si.intent, '(unclassified)') as intent, coalesce(s.exit_url, '(unknown)') as exit_url,
    not (coalesce(o.inquiry, false) or coalesce(o.lead, false) or coalesce(o.ordered, false)) as silent
  from sessions s
  left join session_outcomes o on o.session_id = s.session_id
  left join {{intents}} si on si.session_id = s.session_id
  where not coalesce(s.is_bot, false) and {{site_filter}} and s.started_at >= $from::TIMESTAMP and s.started_at < $to::TIMESTAMP
    and {{where}}
),
-- sessions of each intent that viewed each page (the exit-rate denominator)
viewed as (
  select f.intent, e.url, count(distinct f.session_id) as viewing_sessions
  from f join events e on e.session_id = f.session_id and e.type = 'pageview'
  group by f.intent, e.url
),
per_intent as (
  select intent, count(*) as sessions, count(*) filter (where silent) as silent_exits from f group by intent
),
per_page as (
  select intent, exit_url, count(*) as exits from f where silent group by intent, exit_url
)
select p.intent, p.exit_url, p.exits, i.sessions as intent_sessions, i.silent_exits as intent_silent_exits,
  coalesce(v.viewing_sessions, 0) as viewing_sessions
from per_page p
join per_intent i on i.intent = p.intent
left join viewed v on v.intent = p.intent and v.url = p.exit_url
union all
-- intents whose every session made contact still show up in the summary
select i.intent, null, 0, i.sessions, i.silent_exits, 0 from per_intent i where i.silent_exits = 0
