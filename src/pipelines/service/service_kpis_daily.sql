-- Additive KPI counters per day × site × kind × channel × queue at the default thresholds (service level 20 s,
-- short abandon 5 s, repeat window 7 days), from the counter query of src/marts/kpi_counters.sql. Sum any rows, then divide
-- as docs/metrics.md says (src/reports/service/kpis.ts).
create or replace table service_kpis_daily as
select grp.day, grp.site, grp.kind, grp.channel, grp.queue, * exclude (grp)
from ({{counters}}) c;
