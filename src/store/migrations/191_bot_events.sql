-- The FAQ bot's events (src/vocab/events.ts): serve's /bot logs `bot_exchange`, the probe sends `bot_feedback`. The
-- enum ingest casts to is rebuilt with them (DuckDB cannot add a value; no column has this type).
drop type ccx_probe_event_type;
create type ccx_probe_event_type as enum ('pageview', 'heartbeat', 'click', 'invite_shown', 'invite_accepted', 'invite_declined', 'chat_request', 'chat_start', 'lead', 'register', 'message', 'identify', 'order', 'bot_exchange', 'bot_feedback');

-- Bot exchanges as the event log brought them (props written by src/serve/bot.ts, shape in src/vocab/bot.ts), with
-- the visitor's last vote on each (feedback events name the exchange in ref_id).
create view bot_exchanges as
with x as (
  -- props is {"client_ts":…,"data":"<the event's props text>"}: the props text is JSON again
  select e.event_id, e.site, e.visitor_id, e.ts, json_extract_string(e.props, '$.data')::JSON as d
  from raw_probe_events e
  where e.type = 'bot_exchange'
),
votes as (
  select site, visitor_id, ref_id as exchange_id,
         arg_max(json_extract_string(json_extract_string(props, '$.data')::JSON, '$.vote'), ts) as vote
  from raw_probe_events
  where type = 'bot_feedback' and ref_id is not null
  group by all
)
select x.event_id, x.site, x.visitor_id, x.ts,
       json_extract_string(x.d, '$.exchange_id') as exchange_id,
       json_extract_string(x.d, '$.question') as question,
       json_extract_string(x.d, '$.context') as context,
       json_extract_string(x.d, '$.entry_id') as entry_id,
       json_extract(x.d, '$.entry_version')::INTEGER as entry_version,
       json_extract(x.d, '$.confidence')::DOUBLE as confidence,
       json_extract(x.d, '$.handed_over')::BOOLEAN as handed_over,
       json_extract_string(x.d, '$.reason') as reason,
       json_extract(x.d, '$.follow_up')::BOOLEAN as follow_up,
       v.vote as feedback
from x
left join votes v on v.site = x.site and v.visitor_id = x.visitor_id and v.exchange_id = json_extract_string(x.d, '$.exchange_id');
