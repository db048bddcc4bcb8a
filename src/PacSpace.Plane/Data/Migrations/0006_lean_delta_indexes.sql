-- Two indexes of the deltas table held an entry per delta that nothing reads: the queue index kept every
-- VERIFIED delta (the sequencer only looks for QUEUED ones), and the log index kept a NULL entry for each
-- queued delta. As partial indexes they hold only what their queries ask for, so a delta costs the ingest
-- insert and the sequencer update two index changes less, and its row ~70 bytes less on disk. Queries by
-- log_index (=, <, >=) imply log_index IS NOT NULL, so both engines still use the log index for them.
DROP INDEX ix_deltas_queued;
CREATE INDEX ix_deltas_queued ON deltas (tenant_id, record_id) WHERE status = 'QUEUED';
DROP INDEX ux_deltas_log;
CREATE UNIQUE INDEX ux_deltas_log ON deltas (tenant_id, log_index) WHERE log_index IS NOT NULL;
-- A customer's chain index had an entry for each queued delta too, at a random place (customers
-- interleave), so every insert wrote one more page and every sequencer update moved the entry. The chain
-- is what it indexes: only appended deltas belong in it.
DROP INDEX ix_deltas_customer;
CREATE INDEX ix_deltas_customer ON deltas (tenant_id, customer_id, log_index) WHERE log_index IS NOT NULL;
