-- API key metadata. The secret is never stored: only SHA-256 of its sk_… part, which the plane of the
-- key's environment needs too. Each row is also its own sync job (a state-based outbox): every change
-- bumps version in the same transaction, and the key-sync worker delivers the latest state to the plane
-- until synced_version catches up.
CREATE TABLE api_keys (
    id                   TEXT PRIMARY KEY,
    tenant_id            TEXT NOT NULL REFERENCES tenants (id),
    environment          TEXT NOT NULL,
    name                 TEXT NOT NULL,
    public_id            TEXT NOT NULL UNIQUE,
    secret_hash          TEXT NOT NULL,
    enabled              BIGINT NOT NULL DEFAULT 1,
    created_at           BIGINT NOT NULL,
    created_by           TEXT,
    expires_at           BIGINT,
    revoked_at           BIGINT,
    rotated_to           TEXT,
    last_used_at         BIGINT,
    version              BIGINT NOT NULL,
    synced_version       BIGINT NOT NULL DEFAULT 0,
    sync_attempts        BIGINT NOT NULL DEFAULT 0,
    sync_next_attempt_at BIGINT,
    sync_lease_owner     TEXT,
    sync_lease_until     BIGINT,
    sync_last_error      TEXT
);
CREATE INDEX ix_api_keys_tenant ON api_keys (tenant_id, created_at);
CREATE INDEX ix_api_keys_pending ON api_keys (sync_next_attempt_at) WHERE synced_version < version;

-- Who changed what, per tenant. Never holds a secret.
CREATE TABLE audit_log (
    id        TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    at        BIGINT NOT NULL,
    actor_id  TEXT,
    ip        TEXT,
    action    TEXT NOT NULL,
    target_id TEXT,
    details   TEXT
);
CREATE INDEX ix_audit_log_tenant ON audit_log (tenant_id, at);

-- How far the control plane has read each plane's key-usage feed (plane clock, Unix ms).
CREATE TABLE plane_cursors (
    plane       TEXT PRIMARY KEY,
    usage_after BIGINT NOT NULL
);
