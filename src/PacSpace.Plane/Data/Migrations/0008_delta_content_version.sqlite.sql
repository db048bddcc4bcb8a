-- The content version of each delta's hash: 1 = "pacspace-delta/v1\n" over {v:1, …} (every delta stored before this
-- migration, adjusts or not, and every later delta that adjusts nothing), 2 = "pacspace-delta/v2\n" over {v:2, …, adjusts}
-- (a later delta that adjusts another). A stored row cannot tell the two apart by its adjusts alone, so it says.
-- SQLite adds the column without rewriting the table: rows written before read the default.
ALTER TABLE deltas ADD COLUMN content_version INTEGER NOT NULL DEFAULT 1;
