-- ccx_calls: calls by the day they were offered.
select strftime(offered_at, '%Y-%m-%d') as day, site, hash(visitor_id) as vid, direction, epoch_us(offered_at) as offered_us
from raw_calls
where offered_at >= $start::TIMESTAMP and offered_at < $end::TIMESTAMP and {{site_filter}}
