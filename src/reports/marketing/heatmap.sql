-- Click density on one page: clicks with coordinates binned into {{bin}}-pixel cells (x0, y0 = the cell's
-- top-left corner in page pixels), plus the most clicked selectors.
with clicks as (
  select x, y, selector from events
  where type = 'click' and not coalesce(is_bot, false) and {{site_filter}} and ({{url_match}})
    and ts >= $from::TIMESTAMP and ts < $to::TIMESTAMP
)
select 'cell' as part, (floor(x / {{bin}}) * {{bin}})::BIGINT as x0, (floor(y / {{bin}}) * {{bin}})::BIGINT as y0, null::VARCHAR as selector, count(*) as clicks
from clicks where x is not null and y is not null
group by all
union all
select 'selector', null, null, coalesce(selector, '(none)'), count(*) from clicks group by all
union all
select 'total', null, null, null, count(*) from clicks
union all
select 'located', null, null, null, count(*) from clicks where x is not null and y is not null
