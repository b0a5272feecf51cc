-- ccx_events: the non-bot probe events the overview counts, by event day.
select strftime(ts, '%Y-%m-%d') as day, site, hash(visitor_id) as vid, visitor_id, epoch_us(ts) as ts_us, type,
  coalesce(ref_id, event_id) as id
from events
where not coalesce(is_bot, false) and type in ('pageview', 'invite_shown', 'invite_accepted', 'chat_request', 'register', 'message', 'lead', 'order')
  and ts >= $start::TIMESTAMP and ts < $end::TIMESTAMP and {{site_filter}}
