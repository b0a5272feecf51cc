-- Time-order flags ingest set (a row may carry several, comma-separated).
select 'calls' as source, flag, count(*) as n from (select unnest(string_split(quality, ',')) as flag from raw_calls where quality is not null) group by all
union all
select 'chats', flag, count(*) from (select unnest(string_split(quality, ',')) as flag from raw_conversations where quality is not null) group by all;
