-- Deltas and the per-tenant Merkle log. A delta row is written (status QUEUED) before the 201; the
-- sequencer then gives it its log position and chain fields, signs a head covering it, and marks it
-- VERIFIED, all in one transaction with the tiles and the head.
CREATE TABLE deltas (
    record_id       TEXT PRIMARY KEY,
    receipt_id      TEXT NOT NULL UNIQUE,
    tenant_id       TEXT NOT NULL,
    customer_id     TEXT NOT NULL,
    amount          BIGINT NOT NULL,
    reason          TEXT NOT NULL,
    reference_id    TEXT,
    idempotency_key TEXT,
    request_hash    TEXT NOT NULL,
    canonical       TEXT NOT NULL,
    content_hash    TEXT NOT NULL,
    adjusts         TEXT,
    status          TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    log_index       BIGINT,
    customer_seq    BIGINT,
    prev_index      BIGINT,
    balance_after   BIGINT,
    recorded_at     BIGINT,
    verified_at     BIGINT,
    head_size       BIGINT
);
CREATE UNIQUE INDEX ux_deltas_idempotency ON deltas (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE UNIQUE INDEX ux_deltas_reference ON deltas (tenant_id, reference_id) WHERE reference_id IS NOT NULL;
CREATE UNIQUE INDEX ux_deltas_log ON deltas (tenant_id, log_index);
CREATE INDEX ix_deltas_queued ON deltas (status, tenant_id, record_id);
CREATE INDEX ix_deltas_customer ON deltas (tenant_id, customer_id, log_index);

-- Each customer's chain head in its tenant's log.
CREATE TABLE log_customers (
    tenant_id   TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    last_seq    BIGINT NOT NULL,
    last_index  BIGINT NOT NULL,
    balance     BIGINT NOT NULL,
    first_at    BIGINT NOT NULL,
    last_at     BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, customer_id)
);

-- One sequencer per log at a time, across replicas.
ALTER TABLE tenant_ledgers ADD COLUMN lease_owner TEXT;
ALTER TABLE tenant_ledgers ADD COLUMN lease_until BIGINT;
ALTER TABLE tenant_ledgers ADD COLUMN signed_at BIGINT;
