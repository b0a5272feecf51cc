-- Each session's classification key (md5_number of keyword, landing path and title), computed once: new_texts.sql and
-- session_intents.sql both read it, so neither recomputes the URL regex and the hash per session. A missing and an
-- empty keyword are the same input. The sessions: all of them, or (an incremental run) those normalize re-did.
create or replace temp table intent_session_keys as
with s as (
  select session_id, hash(site, visitor_id) as vkey,
    coalesce(term, '') as term, regexp_replace(coalesce(entry_url, ''), '[?#].*$', '') as url, coalesce(entry_title, '') as title
  from {{sessions}}
)
select session_id, vkey, md5_number(term || chr(31) || url || chr(31) || title) as text_key, term, url, title
from s
