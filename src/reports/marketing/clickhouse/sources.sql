-- ClickHouse twin of sources.sql: 18.16 has no GROUPING SETS, so one SELECT per level.
select 'medium' as level, medium, null as engine, null as keyword, {{measures}} from ({{f}}) group by medium
union all
select 'engine' as level, null as medium, engine, null as keyword, {{measures}} from ({{f}}) group by engine
union all
select 'keyword' as level, null as medium, engine, keyword, {{measures}} from ({{f}}) group by engine, keyword
union all
select 'total' as level, null as medium, null as engine, null as keyword, {{measures}} from ({{f}})
