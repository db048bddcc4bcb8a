-- Customers created ahead of (or beside) their deltas (POST /dashboard/customers): a display name, a unit label and two
-- free-text hints per customer of a tenant's log, keyed by the customer's id rather than its number in log_customers. That
-- table is written once, by the group commit that appends a customer's first delta, and the write path stays as it is: the
-- profile is joined on read. idempotency_key is the Idempotency-Key of the creating request, when it had one (a retry of a
-- create without customerId must not make a second customer). created_by is the dashboard user who created it.
CREATE TABLE customer_profiles (
    ledger_no          INTEGER NOT NULL,
    customer_id        TEXT NOT NULL,
    display_name       TEXT NOT NULL,
    unit_label         TEXT,
    event_cadence      TEXT,
    sharing_state_hint TEXT,
    idempotency_key    TEXT,
    created_by         TEXT,
    created_at         INTEGER NOT NULL,
    PRIMARY KEY (ledger_no, customer_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX ux_customer_profiles_idempotency_key ON customer_profiles (ledger_no, idempotency_key) WHERE idempotency_key IS NOT NULL;
