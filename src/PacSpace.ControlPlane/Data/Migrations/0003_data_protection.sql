-- ASP.NET Core Data Protection key ring (antiforgery tokens and the one-shot messages of the pages).
-- In the control database so every replica, and every restart, reads and writes the same keys.
CREATE TABLE data_protection_keys (
    name       TEXT PRIMARY KEY,
    xml        TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
