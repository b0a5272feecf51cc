-- The new decisions into the cache: each new text with its decision (intent_decided: text number → decision number).
insert into intent_text_cache
select n.text_key, nullif(n.term, ''), n.url, n.title, d.intent, d.confidence, d.method, d.evidence, {{classifier}}
from intent_new n
join intent_decided x using (i)
join intent_decisions d using (d);

drop table if exists intent_decided;
drop table if exists intent_decisions;
drop table if exists intent_pages;
drop table if exists intent_terms;
drop table if exists intent_new;
