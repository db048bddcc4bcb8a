-- The keys of this plane's environment, as delivered by the control plane. Only SHA-256 of the secret.
-- version orders deliveries: an older state never overwrites a newer one.
CREATE TABLE api_keys (
    public_id        TEXT PRIMARY KEY,
    key_id           TEXT NOT NULL,
    tenant_id        TEXT NOT NULL,
    environment      TEXT NOT NULL,
    secret_hash      TEXT NOT NULL,
    state            TEXT NOT NULL,
    expires_at       BIGINT,
    plan             TEXT NOT NULL,
    version          BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    last_used_at     BIGINT,
    usage_flushed_at BIGINT
);
CREATE INDEX ix_api_keys_tenant ON api_keys (tenant_id);
CREATE INDEX ix_api_keys_usage ON api_keys (usage_flushed_at);
