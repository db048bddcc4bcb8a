-- Login throttle: failures per key, whatever the key stands for (a client address, an e-mail address whether or not
-- an account has it, a known browser). Keys are SHA-256 hex, so no e-mail address or client address is stored here.
CREATE TABLE login_throttle (
    key_hash        TEXT PRIMARY KEY,
    failures        BIGINT NOT NULL,
    last_failure_at BIGINT NOT NULL,
    blocked_until   BIGINT NOT NULL
);

-- Single-use password reset tokens, stored as hashes like the verification tokens.
CREATE TABLE password_reset_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX ix_password_reset_tokens_user ON password_reset_tokens (user_id);

-- Two-factor authentication (TOTP, RFC 6238). Secrets are sealed with the key-encryption key; the last accepted time
-- step stops a code from being used twice.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_pending_secret TEXT;
ALTER TABLE users ADD COLUMN totp_enabled_at BIGINT;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;

-- Recovery codes: each opens one login when the authenticator is lost; stored as hashes.
CREATE TABLE recovery_codes (
    user_id    TEXT NOT NULL REFERENCES users (id),
    code_hash  TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    used_at    BIGINT,
    PRIMARY KEY (user_id, code_hash)
);

-- The per-account lockout these columns kept is replaced by login_throttle (a stranger could lock an owner out).
ALTER TABLE users DROP COLUMN failed_logins;
ALTER TABLE users DROP COLUMN locked_until;
