-- Reads by time: a window's deltas are the entries with window_start <= recorded_at < window_end. The
-- sequencer appends in time order, so within a log (and a customer's chain) recorded_at never decreases
-- with log_index, and "the last entry before t" is one index seek. Partial: a queued delta (no recorded_at
-- yet) is not in them, so ingest pays nothing for them; the sequencer's update adds the entry.
CREATE INDEX ix_deltas_customer_time ON deltas (tenant_id, customer_id, recorded_at, log_index) WHERE recorded_at IS NOT NULL;
CREATE INDEX ix_deltas_time ON deltas (tenant_id, recorded_at, log_index) WHERE recorded_at IS NOT NULL;

-- Period checkpoints: a signed statement over the log prefix [0, to_size) of a window, with the consistency
-- proof from the log size at the window's start. One row per (tenant, window, to_size): asking again for the
-- same resolved window answers the same checkpoint while nothing new was recorded in it.
CREATE TABLE checkpoints (
    checkpoint_id  TEXT PRIMARY KEY,
    tenant_id      TEXT NOT NULL,
    period         TEXT NOT NULL,
    time_preset    TEXT,
    window_start   BIGINT NOT NULL,
    window_end     BIGINT NOT NULL,
    from_size      BIGINT NOT NULL,
    to_size        BIGINT NOT NULL,
    proof_root     TEXT NOT NULL,
    prev_root      TEXT NOT NULL,
    balances_root  TEXT NOT NULL,
    customer_count BIGINT NOT NULL,
    delta_count    BIGINT NOT NULL,
    net_change     BIGINT NOT NULL,
    closed_at      BIGINT NOT NULL,
    created_at     BIGINT NOT NULL,
    note           TEXT NOT NULL,
    statement      TEXT NOT NULL,
    signature      TEXT NOT NULL,
    consistency    TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_checkpoints_scope ON checkpoints (tenant_id, window_start, window_end, to_size);
CREATE INDEX ix_checkpoints_root ON checkpoints (proof_root);
CREATE INDEX ix_checkpoints_tenant ON checkpoints (tenant_id, created_at);

-- The leaves of each checkpoint's balancesRoot, in tree order.
CREATE TABLE checkpoint_balances (
    checkpoint_id TEXT NOT NULL,
    position      BIGINT NOT NULL,
    customer_id   TEXT NOT NULL,
    customer_seq  BIGINT NOT NULL,
    last_index    BIGINT NOT NULL,
    balance       BIGINT NOT NULL,
    PRIMARY KEY (checkpoint_id, position)
);
CREATE UNIQUE INDEX ux_checkpoint_balances_customer ON checkpoint_balances (checkpoint_id, customer_id);
