-- The channels one person used (person/touches.sql): touches, first and last, in order of first use.
with
{{touches}}
select channel, count(*)::INTEGER as touches, min(ts) as first, max(ts) as last
from touches
where ts >= $from::TIMESTAMP and ts < $to::TIMESTAMP
group by channel
order by first, channel
