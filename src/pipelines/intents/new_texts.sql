-- The distinct classification inputs the cache does not hold yet, numbered (i), with the number of their keyword
-- (tid) and of their landing page + title (pid): the classifier works per distinct keyword and per distinct page,
-- which are few next to their combinations, and reads only these integers per combination.
create or replace temp table intent_new as
select (row_number() over () - 1)::INTEGER as i, *
from (
  select k.text_key, any_value(k.term) as term, any_value(k.url) as url, any_value(k.title) as title
  from intent_session_keys k
  anti join intent_text_cache c on c.text_key = k.text_key
  group by k.text_key
);

create or replace temp table intent_terms as
select (row_number() over () - 1)::INTEGER as tid, term from (select distinct term from intent_new);

create or replace temp table intent_pages as
select (row_number() over () - 1)::INTEGER as pid, url, title from (select distinct url, title from intent_new);

create or replace temp table intent_decided (i INTEGER, d INTEGER);
create or replace temp table intent_decisions (d INTEGER, intent VARCHAR, confidence DOUBLE, method VARCHAR, evidence VARCHAR);
