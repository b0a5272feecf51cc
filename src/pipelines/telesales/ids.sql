-- Integer ids for calls and distinct turn texts, so the TypeScript step reads each text once.
create or replace temp table _telesales_texts as
select (row_number() over () - 1)::INTEGER as text_id, text
from (select distinct text from raw_transcript_turns);

create or replace temp table _telesales_calls as
select (row_number() over (order by call_id) - 1)::INTEGER as call_no, call_id
from (select distinct call_id from raw_transcript_turns);
