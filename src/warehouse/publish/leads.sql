-- ccx_leads: CRM leads by day.
select strftime(ts, '%Y-%m-%d') as day, site, hash(visitor_id) as vid, lead_id, epoch_us(ts) as ts_us
from raw_leads
where ts >= $day::TIMESTAMP and ts < $day::TIMESTAMP + INTERVAL 1 DAY and {{site_filter}}
