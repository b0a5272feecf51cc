-- ccx_calls: calls by the day they were offered.
select strftime(offered_at, '%Y-%m-%d') as day, site, hash(visitor_id) as vid, direction, epoch_us(offered_at) as offered_us
from raw_calls
where offered_at >= $day::TIMESTAMP and offered_at < $day::TIMESTAMP + INTERVAL 1 DAY and {{site_filter}}
