-- Channel paths of persons (docs/metrics.md "Paths"). A person enters at their first touch in [from, to); their
-- conversion is their first {{conversion}} at or after it and within the window; their path is the channels of their
-- touches from the entry up to the conversion (the window's end when they did not convert), runs of one channel
-- collapsed into one step, the last {{max_steps}} steps kept.
with
{{touches}},
entry as (
  select customer_id, min(ts) as t0 from touches
  where ts >= $from::TIMESTAMP and ts < $to::TIMESTAMP
  group by customer_id
),
conv as (
  select e.customer_id, min(c.ts) as tc
  from entry e join conversions c on c.customer_id = e.customer_id and c.kind = '{{conversion}}'
    and c.ts >= e.t0 and c.ts <= e.t0 + INTERVAL {{window_s}} SECOND
  group by e.customer_id
),
seq as (
  select t.customer_id, t.ts, t.kind_order, t.channel,
    lag(t.channel) over (partition by t.customer_id order by t.ts, t.kind_order, t.channel) as prev
  from touches t join entry e using (customer_id) left join conv c using (customer_id)
  where t.ts >= e.t0 and t.ts <= coalesce(c.tc, e.t0 + INTERVAL {{window_s}} SECOND)
),
steps as (
  select customer_id,
    list(channel order by ts, kind_order, channel) as channels,
    list(ts order by ts, kind_order, channel) as ts_list
  from seq where prev is distinct from channel
  group by customer_id
),
person_paths as (
  select s.customer_id, len(s.channels) > {{max_steps}} as cut,
    s.channels[greatest(len(s.channels) - {{max_steps}} + 1, 1):] as channels,
    s.ts_list[greatest(len(s.ts_list) - {{max_steps}} + 1, 1):] as ts_list,
    c.tc
  from steps s left join conv c using (customer_id)
),
keyed as (
  select *, case when cut then '… → ' else '' end || array_to_string(channels, ' → ') as path,
    -- seconds from each step to the next, the last to the conversion (converted persons only)
    case when tc is not null then list_transform(range(1, len(ts_list) + 1),
      i -> epoch(case when i < len(ts_list) then ts_list[i + 1] else tc end) - epoch(ts_list[i])) end as gaps
  from person_paths
),
gap_medians as (
  select path, i, median(gap) as median_s
  from (select path, unnest(range(1, len(gaps) + 1)) as i, unnest(gaps) as gap from keyed where gaps is not null)
  group by path, i
)
select k.path, any_value(k.channels) as channels, count(*)::INTEGER as persons, count(k.tc)::INTEGER as converted,
  median(epoch(k.tc) - epoch(k.ts_list[1])) as median_s_to_conversion,
  (select list(g.median_s order by g.i) from gap_medians g where g.path = k.path) as median_gap_s
from keyed k
group by k.path
order by converted desc, persons desc, k.path
