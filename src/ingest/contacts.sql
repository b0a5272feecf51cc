-- Contact protection for bulk loads; the same rules as src/ingest/contacts.ts.
create or replace temp macro ccx_phone_norm(p) as nullif(regexp_replace(regexp_replace(coalesce(p, ''), '[^0-9]', '', 'g'), '^(?:0086|86)(1[0-9]{10})$', '\1'), '');
create or replace temp macro ccx_phone_mask(n) as case when n is null then null when length(n) >= 7 then left(n, 3) || repeat('*', length(n) - 7) || right(n, 4) else repeat('*', length(n)) end;
create or replace temp macro ccx_wechat_norm(w) as nullif(lower(trim(coalesce(w, ''))), '');
create or replace temp macro ccx_wechat_mask(n) as case when n is null then null when length(n) > 3 then left(n, 2) || '***' || right(n, 1) else '***' end;
create or replace temp macro ccx_email_norm(e) as nullif(lower(trim(coalesce(e, ''))), '');
create or replace temp macro ccx_email_mask(n) as case when n is null then null when strpos(n, '@') > 1 then left(n, 1) || '***' || substr(n, strpos(n, '@')) else ccx_wechat_mask(n) end;
create or replace temp macro ccx_hash(n) as case when n is null then null else sha256(n) end;
