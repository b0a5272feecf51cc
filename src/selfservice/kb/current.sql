-- The entries the bot answers from, in id order.
select entry_id, version, question, similar_questions, answer, category, scene, links, followups
from kb_current
order by entry_id
