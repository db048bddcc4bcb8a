-- Control database. Times are Unix milliseconds (UTC); flags are 0/1.
CREATE TABLE tenants (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    plan            TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    plan_changed_at BIGINT NOT NULL
);

CREATE TABLE users (
    id                    TEXT PRIMARY KEY,
    tenant_id             TEXT NOT NULL REFERENCES tenants (id),
    email                 TEXT NOT NULL,
    email_normalized      TEXT NOT NULL UNIQUE,
    password_hash         TEXT NOT NULL,
    first_name            TEXT NOT NULL,
    last_name             TEXT NOT NULL,
    name                  TEXT NOT NULL,
    role                  TEXT NOT NULL,
    buyer_mode            TEXT,
    is_verified           BIGINT NOT NULL DEFAULT 0,
    verified_at           BIGINT,
    preferred_environment TEXT NOT NULL DEFAULT 'sandbox',
    failed_logins         BIGINT NOT NULL DEFAULT 0,
    locked_until          BIGINT,
    created_at            BIGINT NOT NULL
);
CREATE INDEX ix_users_tenant ON users (tenant_id);

CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    ended_at   BIGINT,
    ip         TEXT
);
CREATE INDEX ix_sessions_user ON sessions (user_id);

CREATE TABLE verification_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);

-- One row per (tenant, environment): the environment's state and its provisioning job.
CREATE TABLE environments (
    id               TEXT PRIMARY KEY,
    tenant_id        TEXT NOT NULL REFERENCES tenants (id),
    environment      TEXT NOT NULL,
    status           TEXT NOT NULL,
    requested_by     TEXT,
    requested_at     BIGINT,
    activations      BIGINT NOT NULL DEFAULT 0,
    attempts         BIGINT NOT NULL DEFAULT 0,
    last_error       TEXT,
    next_attempt_at  BIGINT,
    lease_owner      TEXT,
    lease_until      BIGINT,
    provisioned_at   BIGINT,
    plane_origin     TEXT,
    plane_public_key TEXT,
    updated_at       BIGINT NOT NULL,
    UNIQUE (tenant_id, environment)
);
CREATE INDEX ix_environments_due ON environments (status, next_attempt_at);

CREATE TABLE access_requests (
    id               TEXT PRIMARY KEY,
    email            TEXT NOT NULL,
    email_normalized TEXT NOT NULL,
    name             TEXT NOT NULL,
    organization     TEXT NOT NULL,
    buyer_mode       TEXT,
    use_case         TEXT,
    created_at       BIGINT NOT NULL
);

CREATE TABLE approval_tokens (
    token_hash       TEXT PRIMARY KEY,
    email_normalized TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL,
    used_at          BIGINT
);
