-- Webhook delivery. Events arise on this plane and are delivered from it.
--
-- webhook_outbox: events written in the same transaction as the change that causes them, and only when an endpoint of the
-- tenant subscribes to their type at that moment. delta.verified rows cover a range of the log, [first_index, end_index):
-- the deltas one signed head verified (the signer writes one row per head, beside log_heads); checkpoint.verified rows
-- name their checkpoint (subject_id) and carry their event id. The dispatcher fans each row out into deliveries, one per
-- subscribed endpoint, and deletes it, in one transaction: no event is lost, none delivered twice by the fan-out.
CREATE TABLE webhook_outbox (
    id          INTEGER PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    event_type  TEXT NOT NULL,
    ledger_no   BIGINT,
    first_index BIGINT,
    end_index   BIGINT,
    subject_id  TEXT,
    event_id    TEXT,
    created_at  BIGINT NOT NULL
);

-- One event's delivery to one endpoint. A delta.verified delivery names its delta by place (ledger_no, log_index) and the
-- head that verified it (head_size); its event id is derived from the place (EntryIds), so event_id is null there. state:
-- pending (no attempt yet), retrying, delivered, failed. next_attempt_at is set while an attempt is due (pending,
-- retrying) and null otherwise; lease_until keeps a claimed delivery from a second sender while it is being sent.
CREATE TABLE webhook_deliveries (
    id               INTEGER PRIMARY KEY,
    tenant_id        TEXT NOT NULL,
    endpoint_id      TEXT NOT NULL,
    event_type       TEXT NOT NULL,
    event_id         TEXT,
    ledger_no        BIGINT,
    log_index        BIGINT,
    head_size        BIGINT,
    subject_id       TEXT,
    event_at         BIGINT NOT NULL,
    state            TEXT NOT NULL,
    attempts         BIGINT NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT,
    lease_until      BIGINT,
    last_attempt_at  BIGINT,
    last_status_code BIGINT,
    last_latency_ms  BIGINT,
    last_error       TEXT,
    delivered_at     BIGINT,
    created_at       BIGINT NOT NULL
);
-- What a sender claims next: an endpoint's due deliveries, oldest first.
CREATE INDEX ix_webhook_deliveries_due ON webhook_deliveries (endpoint_id, next_attempt_at) WHERE next_attempt_at IS NOT NULL;
-- The delivery log, newest first; an event's deliveries by its id or its delta.
CREATE INDEX ix_webhook_deliveries_tenant ON webhook_deliveries (tenant_id, id);
CREATE INDEX ix_webhook_deliveries_place ON webhook_deliveries (ledger_no, log_index) WHERE ledger_no IS NOT NULL;
CREATE INDEX ix_webhook_deliveries_event ON webhook_deliveries (event_id) WHERE event_id IS NOT NULL;

-- Every attempt: when, the receiver's status code (null when no answer came), latency, the first 1 KB of the answer, or
-- why it failed.
CREATE TABLE webhook_attempts (
    delivery_id  BIGINT NOT NULL,
    attempt      BIGINT NOT NULL,
    attempted_at BIGINT NOT NULL,
    status_code  BIGINT,
    latency_ms   BIGINT NOT NULL,
    response     TEXT,
    error        TEXT,
    PRIMARY KEY (delivery_id, attempt)
) WITHOUT ROWID;

-- What deliveries tell about each endpoint, read by the control plane as a feed ordered by stats_changed_at: attempts
-- that succeeded and failed, the last attempt, since when every attempt has failed, and whether this plane disabled it
-- (410 Gone, or failing too long) and why.
ALTER TABLE webhook_endpoints ADD COLUMN success_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE webhook_endpoints ADD COLUMN failure_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE webhook_endpoints ADD COLUMN last_triggered_at BIGINT;
ALTER TABLE webhook_endpoints ADD COLUMN failing_since BIGINT;
ALTER TABLE webhook_endpoints ADD COLUMN disabled_at BIGINT;
ALTER TABLE webhook_endpoints ADD COLUMN disabled_reason TEXT;
ALTER TABLE webhook_endpoints ADD COLUMN stats_changed_at BIGINT;
CREATE INDEX ix_webhook_endpoints_stats ON webhook_endpoints (stats_changed_at, id) WHERE stats_changed_at IS NOT NULL;
