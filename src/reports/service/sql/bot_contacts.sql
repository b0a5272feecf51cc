-- The bot's own exchanges (view bot_exchanges: serve's event log, loaded by `ingest probe --from-log`) for
-- `report layers`: each exchange with its contact (a visitor's exchanges less than 30 minutes apart) and whether the
-- visitor asked for a person ("talk to a person" = a chat_request event) from the contact's first exchange until 30
-- minutes after its last. {{filter}} restricts ts and site.
with x as (
  select site, visitor_id, ts, exchange_id, question, entry_id, confidence, handed_over, feedback
  from bot_exchanges
  where {{filter}}
),
starts as (
  select *, case when lag(ts) over w is null or ts - lag(ts) over w > interval 30 minute then 1 else 0 end as new_contact
  from x
  window w as (partition by site, visitor_id order by ts, exchange_id)
),
g as (
  select * exclude (new_contact),
         sum(new_contact) over (partition by site, visitor_id order by ts, exchange_id rows unbounded preceding) as contact_no
  from starts
),
c as (
  select site, visitor_id, contact_no, min(ts) as first_ts, max(ts) as last_ts from g group by all
),
asked as (
  select c.site, c.visitor_id, c.contact_no, count(e.event_id) > 0 as person_requested
  from c
  left join raw_probe_events e
    on e.site = c.site and e.visitor_id = c.visitor_id and e.type = 'chat_request'
   and e.ts >= c.first_ts and e.ts <= c.last_ts + interval 30 minute
  group by all
)
select g.site, g.visitor_id, g.contact_no, g.ts, g.exchange_id, g.question, g.entry_id, g.confidence, g.handed_over,
       g.feedback, a.person_requested
from g join asked a using (site, visitor_id, contact_no)
order by g.site, g.visitor_id, g.ts, g.exchange_id
