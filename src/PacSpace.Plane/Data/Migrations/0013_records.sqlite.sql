-- Records (the Records API): machine-action records whose entries are leaves of their tenant's log, beside its deltas.
--
-- * A record is (record_type, entity_id) in a tenant's log, found by its key (record_key: the 32 bytes of
--   SHA-256("pacspace-record-key/v1\n" ‖ tenant ‖ "\n" ‖ env ‖ "\n" ‖ recordType ‖ "\n" ‖ entityId)); written once, by
--   the append of its first entry. Nothing per record is updated as entries arrive: its head is its last entry, one seek
--   in (record_no, seq).
-- * An entry takes its log index from the tenant's append point (tenant_ledgers.next_index) in the transaction that writes
--   it, under the same lock as a group commit of deltas, and notes its time in log_marks like one. Its row is keyed by
--   that place (WITHOUT ROWID: rows in log order). seq counts the record's entries from 0; prev_index is the log index of
--   the record's previous entry; content is the canonical JSON of the content the client sent (unknown members left out),
--   the content hash's input with the other members rebuilt from the row and the record. No status column: an entry is
--   committed once a signed head covers its index, queued before.
-- * tenant_ledgers.record_entries counts the log's record entries, moved with next_index, so the deltas a log holds are
--   next_index − record_entries (the free plan's cap counts deltas only).
-- * webhook_outbox rows that cover a range of the log (ledger_no set) stand for every event of that range: delta.verified
--   for its deltas, record.committed for its record entries; the signer writes one per head when an enabled endpoint
--   subscribes to either.
ALTER TABLE tenant_ledgers ADD COLUMN record_entries BIGINT NOT NULL DEFAULT 0;

CREATE TABLE records (
    record_no   INTEGER PRIMARY KEY,
    ledger_no   INTEGER NOT NULL,
    record_key  BLOB NOT NULL,
    record_type TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    first_index BIGINT NOT NULL,
    first_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX ux_records_key ON records (ledger_no, record_key);

CREATE TABLE record_entries (
    ledger_no       INTEGER NOT NULL,
    log_index       INTEGER NOT NULL,
    record_no       INTEGER NOT NULL,
    seq             INTEGER NOT NULL,
    prev_index      INTEGER,
    lifecycle       INTEGER NOT NULL,
    recorded_at     INTEGER NOT NULL,
    content_hash    BLOB NOT NULL,
    content         TEXT NOT NULL,
    reference_id    TEXT,
    idempotency_key TEXT,
    PRIMARY KEY (ledger_no, log_index)
) WITHOUT ROWID;
CREATE UNIQUE INDEX ux_record_entries_seq ON record_entries (record_no, seq);
CREATE UNIQUE INDEX ux_record_entries_reference_id ON record_entries (ledger_no, reference_id) WHERE reference_id IS NOT NULL;
CREATE UNIQUE INDEX ux_record_entries_idempotency_key ON record_entries (ledger_no, idempotency_key) WHERE idempotency_key IS NOT NULL;
