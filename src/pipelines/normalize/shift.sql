-- An incremental run, after tables.sql: the visitors whose kept sessions' visit numbers must move because a re-done
-- session's probe visit counter raised the visitor's shift (visit number - session number, the same for all of a
-- visitor's sessions; the first re-done session is number kept + 1).
create or replace temp table norm_shift as
select s.vkey, min(s.visit_number) - a.kept - 1 - a.old_shift as delta
from sessions_core__staged s
join norm_affected a using (vkey)
where a.kept > 0
group by s.vkey, a.kept, a.old_shift
having min(s.visit_number) - a.kept - 1 - a.old_shift <> 0;
