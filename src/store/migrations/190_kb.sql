-- Knowledge base of the FAQ bot (src/selfservice/kb, docs/selfservice.md). Every change of an entry is a new row
-- (entry_id, version): an answer logged with its entry id and version can be traced to the entry as it was then.
create sequence if not exists kb_import_seq start 1;

create table kb_imports (
  import_id    BIGINT PRIMARY KEY,
  file         VARCHAR NOT NULL,
  file_hash    VARCHAR NOT NULL,   -- sha256 of the file's bytes
  format       VARCHAR NOT NULL,   -- csv | json
  encoding     VARCHAR NOT NULL,   -- utf-8 | gb18030
  replace_all  BOOLEAN NOT NULL,   -- --replace: entries missing from the file were retired
  imported_at  TIMESTAMP NOT NULL,
  entries      INTEGER NOT NULL,
  added        INTEGER NOT NULL,
  changed      INTEGER NOT NULL,
  unchanged    INTEGER NOT NULL,
  retired      INTEGER NOT NULL
);

create table kb_entries (
  entry_id     VARCHAR NOT NULL,
  version      INTEGER NOT NULL,   -- 1, 2, … per entry; a new one only when the content changed
  question     VARCHAR NOT NULL,   -- the standard question
  similar_questions VARCHAR NOT NULL, -- JSON array of similar questions
  answer       VARCHAR NOT NULL,
  category     VARCHAR,
  scene        VARCHAR,
  links        VARCHAR NOT NULL,   -- JSON array of {kind, title, url, image?}
  followups    VARCHAR NOT NULL,   -- JSON array of entry ids offered after the answer
  retired      BOOLEAN NOT NULL,   -- this version removes the entry (import --replace without it)
  content_hash VARCHAR NOT NULL,
  import_id    BIGINT NOT NULL,    -- kb_imports: when and from which file
  source_line  INTEGER,            -- line of the entry in that file
  PRIMARY KEY (entry_id, version)
);

-- The entries the bot answers from: each entry's latest version, unless that version retired it.
create view kb_current as
  select * exclude (rn) from (
    select *, row_number() over (partition by entry_id order by version desc) as rn from kb_entries
  ) where rn = 1 and not retired;
