-- ccx_orders: CRM orders by day.
select strftime(ts, '%Y-%m-%d') as day, site, hash(visitor_id) as vid, order_id, epoch_us(ts) as ts_us, amount
from raw_orders
where ts >= $day::TIMESTAMP and ts < $day::TIMESTAMP + INTERVAL 1 DAY and {{site_filter}}
