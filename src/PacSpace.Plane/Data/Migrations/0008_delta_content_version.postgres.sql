-- The content version of each delta's hash: 1 = "pacspace-delta/v1\n" over {v:1, …} (every delta stored before this
-- migration, adjusts or not, and every later delta that adjusts nothing), 2 = "pacspace-delta/v2\n" over {v:2, …, adjusts}
-- (a later delta that adjusts another). A stored row cannot tell the two apart by its adjusts alone, so it says.
-- A constant default is kept in the catalog (PostgreSQL 11 and later): the table is not rewritten, and rows written
-- before read 1. SMALLINT: two bytes per row.
ALTER TABLE deltas ADD COLUMN content_version SMALLINT NOT NULL DEFAULT 1;
