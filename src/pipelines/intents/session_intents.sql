-- An incremental run's is a temp table ({{temp}}): its rows are copied into session_intents, not written twice.
create or replace {{temp}} table session_intents__staged as
-- vkey (hash of site and visitor id, as normalize's): an incremental run replaces a visitor's rows by it
select k.session_id, c.intent, c.confidence, c.method, c.evidence, k.vkey
from intent_session_keys k
join intent_text_cache c on c.text_key = k.text_key;

drop table if exists intent_session_keys;
