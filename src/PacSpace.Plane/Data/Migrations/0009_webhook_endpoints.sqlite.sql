-- The webhook endpoints of this plane's environment, as delivered by the control plane (PUT /internal/v1/webhooks/{id}).
-- version orders deliveries: an older state never overwrites a newer one. A deleted endpoint keeps its row (deleted_at,
-- no secrets) so that a late older state cannot bring it back. events: subscribed event types, comma separated.
-- secrets: a JSON array [{secret, notAfter}] (newest first), sealed under the key-encryption key and bound to the row.
-- The delivery engine reads them through WebhookEndpointStore.ListActiveAsync. SQLite keeps the rows in the primary key's
-- own b-tree (WITHOUT ROWID): one lookup by id instead of two.
CREATE TABLE webhook_endpoints (
    id         TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL,
    url        TEXT NOT NULL,
    events     TEXT NOT NULL,
    enabled    BIGINT NOT NULL,
    deleted_at BIGINT,
    secrets    TEXT,
    version    BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
) WITHOUT ROWID;
-- Deliveries look endpoints up by tenant; tombstones are never read there.
CREATE INDEX ix_webhook_endpoints_tenant ON webhook_endpoints (tenant_id) WHERE deleted_at IS NULL;
