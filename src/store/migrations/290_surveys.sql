-- Surveys (docs/surveys.md): the probe's `survey_shown` / `survey_answer` events join the enum ingest casts to (rebuilt:
-- DuckDB cannot add a value; no column has this type), and answers collected elsewhere land in raw_survey_responses.
drop type ccx_probe_event_type;
create type ccx_probe_event_type as enum ('pageview', 'heartbeat', 'click', 'invite_shown', 'invite_accepted', 'invite_declined', 'chat_request', 'chat_start', 'lead', 'register', 'message', 'identify', 'order', 'bot_exchange', 'bot_feedback', 'survey_shown', 'survey_answer', 'chat_end', 'exit_intent');

-- `ccx ingest surveys`: one row per response, answers as JSON text ({"question id": value}).
create table raw_survey_responses (
  response_id      VARCHAR NOT NULL PRIMARY KEY,
  survey_id        VARCHAR NOT NULL,
  survey_version   INTEGER NOT NULL,
  ts               TIMESTAMP NOT NULL,
  site             VARCHAR,
  respondent_id    VARCHAR,
  visitor_id       VARCHAR,
  conversation_id  VARCHAR,
  call_id          VARCHAR,
  campaign         VARCHAR,
  channel          VARCHAR,
  agent_id         VARCHAR,
  intent           VARCHAR,
  language         VARCHAR,
  answers          VARCHAR,            -- JSON object; empty or {} = shown, not answered
  ingest_id        BIGINT NOT NULL
);

-- Every questionnaire shown, from both origins: an imported row was shown; a probe show is keyed by the directive that
-- fired it (else the event), so a show and its answer count once.
create view survey_displays as
with p as (
  select e.event_id, e.site, e.visitor_id, e.ts, e.type, e.directive_id,
         coalesce(try_cast(json_extract_string(e.props, '$.data') as JSON), try_cast(e.props as JSON)) as d
  from raw_probe_events e
  where e.type in ('survey_shown', 'survey_answer')
)
select 'probe' as origin, site, coalesce(directive_id, event_id) as display_key, json_extract_string(d, '$.survey') as survey_id,
       try_cast(json_extract(d, '$.version') as INTEGER) as survey_version, min(ts) as ts, any_value(visitor_id) as visitor_id,
       any_value(json_extract_string(d, '$.campaign')) as campaign
from p group by all
union all
select 'import', site, response_id, survey_id, survey_version, ts, visitor_id, campaign from raw_survey_responses;

-- Every set of answers, both origins; a probe visitor who submits twice for one display keeps the last.
create view survey_responses as
with p as (
  select e.event_id, e.site, e.visitor_id, e.ts, e.directive_id,
         coalesce(try_cast(json_extract_string(e.props, '$.data') as JSON), try_cast(e.props as JSON)) as d
  from raw_probe_events e
  where e.type = 'survey_answer'
),
last as (
  select arg_max(p, ts) as p from p group by site, coalesce(directive_id, event_id)
)
select 'probe' as origin, p.event_id as response_id, coalesce(p.directive_id, p.event_id) as display_key,
       json_extract_string(p.d, '$.survey') as survey_id, try_cast(json_extract(p.d, '$.version') as INTEGER) as survey_version,
       p.ts, p.site, p.visitor_id as respondent_id, p.visitor_id, json_extract_string(p.d, '$.conversation_id') as conversation_id,
       null::VARCHAR as call_id, json_extract_string(p.d, '$.campaign') as campaign, null::VARCHAR as channel, null::VARCHAR as agent_id,
       json_extract_string(p.d, '$.intent') as intent, json_extract_string(p.d, '$.language') as language,
       json_extract(p.d, '$.answers')::VARCHAR as answers
from (select unnest(p) from last) p
union all
select 'import', response_id, response_id, survey_id, survey_version, ts, site, respondent_id, visitor_id, conversation_id, call_id,
       campaign, channel, agent_id, intent, language, answers
from raw_survey_responses;
