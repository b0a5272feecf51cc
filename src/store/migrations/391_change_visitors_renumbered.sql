-- normalize moves the visit numbers of a visitor's kept sessions when its new sessions raise the probe's visit shift
-- (docs/architecture.md "Incremental runs"). renumbered_from is the start of the first session it renumbered so (NULL:
-- none): those sessions changed in visit_number and is_returning only. Readers that do not read visit numbers (intents,
-- the funnel steps) keep them; the others re-do them or update those two columns. Before this column, from_ts covered
-- them.
alter table change_visitors add column renumbered_from TIMESTAMP;
