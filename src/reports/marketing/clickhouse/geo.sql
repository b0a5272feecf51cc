-- ClickHouse twin of geo.sql: one SELECT per level (18.16 has no GROUPING SETS).
select 'province' as level, province, null as city, {{measures}} from ({{f}}) group by province
union all
select 'city' as level, province, city, {{measures}} from ({{f}}) group by province, city
union all
select 'total' as level, null as province, null as city, {{measures}} from ({{f}})
