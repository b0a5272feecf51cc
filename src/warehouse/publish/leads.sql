-- ccx_leads: CRM leads by day.
select strftime(ts, '%Y-%m-%d') as day, site, hash(visitor_id) as vid, lead_id, epoch_us(ts) as ts_us
from raw_leads
where ts >= $start::TIMESTAMP and ts < $end::TIMESTAMP and {{site_filter}}
