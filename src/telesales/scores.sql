-- Each analysed call's best score per script (hits and near-misses), for the calls of the filter.
select s.call_id, string_agg(x.script_id || '=' || x.score::VARCHAR, ',') as scores
from call_script_summary s
join call_script_scores x using (call_id)
where {{where}}
group by s.call_id
