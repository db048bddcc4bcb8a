-- Where each audited change came from: api, page or operator (a CLI command, which has no user).
ALTER TABLE audit_log ADD COLUMN origin TEXT NOT NULL DEFAULT 'api';
