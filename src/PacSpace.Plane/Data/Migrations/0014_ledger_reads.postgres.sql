-- Reads of the dashboard's pages, through the internal read routes: every list is a keyset page read along an index (a seek
-- and at most a page of entries), never an OFFSET or a count over a tenant's rows.
--
-- * Customers by id, in byte order (COLLATE "C", which is SQLite's own order), from both of their sources: log_customers
--   (customers with deltas) and customer_profiles (customers created ahead of them). A search for the start of an id is then
--   a range of the index whatever the database's collation.
-- * Customers by the start of their display name, case-insensitive: lower(display_name), then the id.
-- * Records newest first (by the log index of their first entry), all of them or of one type.
-- * Checkpoints newest first, the id breaking ties of created_at so that a page ends exactly where the next one starts.
CREATE INDEX ix_log_customers_id ON log_customers (ledger_no, customer_id COLLATE "C");
CREATE INDEX ix_customer_profiles_id ON customer_profiles (ledger_no, customer_id COLLATE "C");
CREATE INDEX ix_customer_profiles_name ON customer_profiles (ledger_no, (lower(display_name)) COLLATE "C", customer_id COLLATE "C");
CREATE INDEX ix_records_first ON records (ledger_no, first_index);
CREATE INDEX ix_records_type ON records (ledger_no, record_type, first_index);
DROP INDEX ix_checkpoints_tenant;
CREATE INDEX ix_checkpoints_tenant ON checkpoints (tenant_id, created_at, checkpoint_id COLLATE "C");
