-- Chain anchors: every 64th entry of a customer's chain (customer_seq a multiple of 64) indexed by log index and by
-- sequence (partial indexes: 1 entry in 64), so that the entry with a given sequence is a seek to the next anchor and a walk
-- back along prev_index (DeltaStore.Walks). SQLite (its own 0015) also drops its index of every chain entry and keeps each
-- chain's head in log_customers instead; PostgreSQL keeps that index: moving a head row in every group commit cost its
-- server more CPU than the index entry did.
CREATE INDEX ix_deltas_anchor_index ON deltas (ledger_no, customer_no, log_index) WHERE customer_seq % 64 = 0;
CREATE INDEX ix_deltas_anchor_seq ON deltas (ledger_no, customer_no, customer_seq) WHERE customer_seq % 64 = 0;
