-- Plane database (one per environment, never shared). Times are Unix milliseconds (UTC).
-- One ledger per tenant: its Ed25519 signing key, log origin and latest signed tree head.
CREATE TABLE tenant_ledgers (
    tenant_id   TEXT PRIMARY KEY,
    environment TEXT NOT NULL,
    origin      TEXT NOT NULL UNIQUE,
    key_name    TEXT NOT NULL,
    public_key  TEXT NOT NULL,
    private_key TEXT NOT NULL,
    tree_size   BIGINT NOT NULL,
    root_hash   TEXT NOT NULL,
    checkpoint  TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
