-- Distinct classification inputs of the sessions that the cache does not hold yet.
with keyed as (
  select distinct term, regexp_replace(coalesce(entry_url, ''), '[?#].*$', '') as url, coalesce(entry_title, '') as title
  from sessions
)
select md5(coalesce(term, '') || chr(31) || url || chr(31) || title) as text_key, term, url, title
from keyed k
where not exists (select 1 from intent_text_cache c where c.text_key = md5(coalesce(k.term, '') || chr(31) || k.url || chr(31) || k.title))
