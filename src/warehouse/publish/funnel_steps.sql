-- ccx_funnel_steps: every step a mart funnel stage can name (src/pipelines/marketing/mart_funnel_steps.sql), by step day.
select strftime(ts, '%Y-%m-%d') as day, site, vid, visitor_key, session_key, epoch_us(ts) as ts_us, type
from mart_funnel_steps
where ts >= $start::TIMESTAMP and ts < $end::TIMESTAMP and {{site_filter}}
