-- Every version of one entry, newest first, with when and from which file it came.
select e.entry_id, e.version, e.question, e.similar_questions, e.answer, e.category, e.scene, e.links, e.followups, e.retired,
       i.file, e.source_line, strftime(i.imported_at, '%Y-%m-%d %H:%M:%S') as imported_at
from kb_entries e join kb_imports i using (import_id)
where e.entry_id = $id
order by e.version desc
