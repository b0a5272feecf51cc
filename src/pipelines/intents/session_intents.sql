create or replace table session_intents as
select s.session_id, c.intent, c.confidence, c.method, c.evidence
from sessions s
join intent_text_cache c
  on c.text_key = md5(coalesce(s.term, '') || chr(31) || regexp_replace(coalesce(s.entry_url, ''), '[?#].*$', '') || chr(31) || coalesce(s.entry_title, ''));
