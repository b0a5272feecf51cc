create or replace table session_intents__staged as
select k.session_id, c.intent, c.confidence, c.method, c.evidence
from intent_session_keys k
join intent_text_cache c on c.text_key = k.text_key;

drop table if exists intent_session_keys;
