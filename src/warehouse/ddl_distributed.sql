create table if not exists {{database}}.{{table}} as {{database}}.{{table}}_local
engine = Distributed({{cluster}}, {{database}}, {{table}}_local, vid)
