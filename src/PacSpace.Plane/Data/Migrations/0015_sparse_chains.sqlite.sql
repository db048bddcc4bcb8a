-- Sparse chain index: a customer's chain is no longer indexed entry by entry. Indexing every entry by (customer, index) put
-- one random page of that index into every group commit for each customer it touched (the largest part of what a commit
-- wrote), while the chain itself is already linked: every entry carries its customer's previous index. So:
--
-- * log_customers keeps the log index of each customer's chain head (its newest entry), written by the group commit that
--   moves it: one small row per customer, its pages shared by many customers (the entry itself holds the rest);
-- * every 64th entry of a chain (customer_seq a multiple of 64) is an anchor, indexed by index and by sequence (partial
--   indexes: 1 entry in 64);
-- * a point of a chain (its last entry below an index, or the entry with a sequence) is a seek to the next anchor, or the head,
--   and a walk back along prev_index: at most 63 primary-key seeks (DeltaStore.Walks).
ALTER TABLE log_customers ADD COLUMN last_index BIGINT NOT NULL DEFAULT -1;
UPDATE log_customers SET last_index = COALESCE((
    SELECT MAX(d.log_index) FROM deltas d WHERE d.ledger_no = log_customers.ledger_no AND d.customer_no = log_customers.customer_no), -1);
CREATE INDEX ix_deltas_anchor_index ON deltas (ledger_no, customer_no, log_index) WHERE customer_seq % 64 = 0;
CREATE INDEX ix_deltas_anchor_seq ON deltas (ledger_no, customer_no, customer_seq) WHERE customer_seq % 64 = 0;
DROP INDEX ix_deltas_chain;
