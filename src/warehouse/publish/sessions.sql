-- ccx_sessions: the marketing mart's sessions (non-bot, with breakdown dimensions and intent), by start day.
select strftime(started_at, '%Y-%m-%d') as day, site, hash(visitor_id) as vid, visitor_key, session_key, session_id, visitor_id,
  epoch_us(started_at) as started_us, epoch_us(prev_started_at) as prev_started_us, is_returning,
  entry_url, medium, source, term, term_raw, campaign, country, province, city, isp, browser, os, device_type, intent
from mart_sessions
where started_at >= $start::TIMESTAMP and started_at < $end::TIMESTAMP and {{site_filter}}
