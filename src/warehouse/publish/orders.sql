-- ccx_orders: CRM orders by day.
select strftime(ts, '%Y-%m-%d') as day, site, hash(visitor_id) as vid, order_id, epoch_us(ts) as ts_us, amount
from raw_orders
where ts >= $start::TIMESTAMP and ts < $end::TIMESTAMP and {{site_filter}}
