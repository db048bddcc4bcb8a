-- Webhook endpoints, per tenant and environment (sandbox | production). The signing secrets (whsec_…) are kept, sealed
-- under the key-encryption key and each bound to its row and column, because the control plane re-delivers them to the
-- plane of the endpoint's environment until it has them; previous_secret is the rotated-out one, valid until
-- previous_secret_expires_at. A deleted endpoint keeps its row without secrets until the plane has learnt of the deletion.
-- events: the subscribed event types, comma separated, in catalog order.
-- Each row is its own sync job (a state-based outbox, as api_keys): every synced change bumps version in the same
-- transaction, and the sync worker delivers the latest state to the plane until synced_version catches up.
CREATE TABLE webhook_endpoints (
    id                         TEXT PRIMARY KEY,
    tenant_id                  TEXT NOT NULL REFERENCES tenants (id),
    environment                TEXT NOT NULL,
    url                        TEXT NOT NULL,
    description                TEXT,
    events                     TEXT NOT NULL,
    enabled                    BIGINT NOT NULL DEFAULT 1,
    secret                     TEXT,
    previous_secret            TEXT,
    previous_secret_expires_at BIGINT,
    created_at                 BIGINT NOT NULL,
    created_by                 TEXT,
    updated_at                 BIGINT NOT NULL,
    deleted_at                 BIGINT,
    -- What the planes' deliveries report back (a feed read by the control plane, as key usage is): null and 0 until then.
    last_triggered_at          BIGINT,
    success_count              BIGINT NOT NULL DEFAULT 0,
    failure_count              BIGINT NOT NULL DEFAULT 0,
    version                    BIGINT NOT NULL,
    synced_version             BIGINT NOT NULL DEFAULT 0,
    sync_attempts              BIGINT NOT NULL DEFAULT 0,
    sync_next_attempt_at       BIGINT,
    sync_lease_owner           TEXT,
    sync_lease_until           BIGINT,
    sync_last_error            TEXT
);
CREATE INDEX ix_webhook_endpoints_tenant ON webhook_endpoints (tenant_id, environment, created_at);
CREATE INDEX ix_webhook_endpoints_pending ON webhook_endpoints (sync_next_attempt_at) WHERE synced_version < version;
