-- Distinct classification inputs of the sessions that the cache does not hold yet (one row per key: a missing and
-- an empty keyword share a key). The anti-join is a hash join on the key.
select k.text_key, any_value(k.term) as term, any_value(k.url) as url, any_value(k.title) as title
from intent_session_keys k
anti join intent_text_cache c on c.text_key = k.text_key
group by k.text_key
