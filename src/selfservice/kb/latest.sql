-- Each entry's latest version (retired ones too): import compares the file with these.
select entry_id, version, content_hash, retired
from (select entry_id, version, content_hash, retired,
             row_number() over (partition by entry_id order by version desc) as rn
      from kb_entries)
where rn = 1
