-- Lean deltas: one append-only row per delta, written once, sequenced in the group commit's own transaction.
--
-- * A delta is identified by its place in its tenant's log, (ledger_no, log_index): the table's key (stored in key
--   order, WITHOUT ROWID). Record and receipt ids are that place encrypted under this plane's id key (see EntryIds),
--   so neither is stored nor indexed. Ids handed out before this version are kept in legacy_ids.
-- * Tenants and customers are interned to integers (tenant_ledgers.ledger_no, log_customers.customer_no).
-- * Hashes are bytes; the canonical text is not stored: it is rebuilt from the columns (metadata is kept as its
--   canonical JSON, when there is one). The request hash is rebuilt from the content hash and adjusts.
-- * No status column: a delta is VERIFIED once its log's signed head covers its index (log_index < tree_size).
-- * No time indexes: a log's entries are appended in time order and each group commit writes one log_marks row
--   (its time and first index), so a time maps to a log index by one seek there.
-- * log_customers is written once per customer (its number, and the index and time of its first delta); a chain's
--   head is its last entry, one seek in the chain index, so nothing per customer is updated as deltas arrive.

ALTER TABLE tenant_ledgers ADD COLUMN ledger_no INTEGER;
UPDATE tenant_ledgers SET ledger_no = rowid;
CREATE UNIQUE INDEX ux_tenant_ledgers_no ON tenant_ledgers (ledger_no);
-- The index the next delta gets, and the time of the last group commit that appended (entries never go back in time).
ALTER TABLE tenant_ledgers ADD COLUMN next_index BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tenant_ledgers ADD COLUMN appended_at BIGINT NOT NULL DEFAULT 0;
UPDATE tenant_ledgers SET next_index = tree_size, appended_at = COALESCE(signed_at, 0);

ALTER TABLE log_customers RENAME TO log_customers_0006;
CREATE TABLE log_customers (
    customer_no INTEGER PRIMARY KEY,
    ledger_no   INTEGER NOT NULL,
    customer_id TEXT NOT NULL,
    first_index BIGINT NOT NULL,
    first_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX ux_log_customers ON log_customers (ledger_no, customer_id);
INSERT INTO log_customers (ledger_no, customer_id, first_index, first_at)
SELECT DISTINCT l.ledger_no, d.customer_id, 0, 0
FROM deltas d JOIN tenant_ledgers l ON l.tenant_id = d.tenant_id
ORDER BY 1, 2;

-- Every old row with its place in the log; queued rows get theirs here, in record order, chained after the signed
-- heads, recorded now (as the sequencer of the earlier versions would have recorded them); the head signer then signs them.
ALTER TABLE deltas RENAME TO deltas_0006;
CREATE TABLE deltas_0007_staging AS
SELECT l.ledger_no, d.log_index, c.customer_no, d.amount, d.customer_seq, d.prev_index, d.balance_after, d.recorded_at,
       d.content_hash, d.reason, d.reference_id, d.idempotency_key, json_extract(d.canonical, '$.metadata') AS metadata, d.adjusts,
       d.created_at, d.record_id, d.receipt_id
FROM deltas_0006 d
JOIN tenant_ledgers l ON l.tenant_id = d.tenant_id
JOIN log_customers c ON c.ledger_no = l.ledger_no AND c.customer_id = d.customer_id
WHERE d.log_index IS NOT NULL
UNION ALL
SELECT ledger_no, log_index, customer_no, amount, last_seq + k,
       CASE WHEN k > 1 THEN LAG(log_index) OVER (PARTITION BY ledger_no, customer_no ORDER BY log_index)
            WHEN last_seq > 0 THEN last_index END,
       head_balance + running, at, content_hash, reason, reference_id, idempotency_key, metadata, adjusts, created_at, record_id, receipt_id
FROM (
    SELECT l.ledger_no, l.tree_size + ROW_NUMBER() OVER (PARTITION BY d.tenant_id ORDER BY d.record_id) - 1 AS log_index,
           c.customer_no, d.amount, COALESCE(h.last_seq, 0) AS last_seq, COALESCE(h.last_index, -1) AS last_index, COALESCE(h.balance, 0) AS head_balance,
           ROW_NUMBER() OVER (PARTITION BY d.tenant_id, d.customer_id ORDER BY d.record_id) AS k,
           SUM(d.amount) OVER (PARTITION BY d.tenant_id, d.customer_id ORDER BY d.record_id ROWS UNBOUNDED PRECEDING) AS running,
           max(CAST(unixepoch('subsec') * 1000 AS INTEGER), MAX(d.created_at) OVER (PARTITION BY d.tenant_id), l.appended_at) AS at,
           d.content_hash, d.reason, d.reference_id, d.idempotency_key, json_extract(d.canonical, '$.metadata') AS metadata, d.adjusts,
           d.created_at, d.record_id, d.receipt_id
    FROM deltas_0006 d
    JOIN tenant_ledgers l ON l.tenant_id = d.tenant_id
    JOIN log_customers c ON c.ledger_no = l.ledger_no AND c.customer_id = d.customer_id
    LEFT JOIN log_customers_0006 h ON h.tenant_id = d.tenant_id AND h.customer_id = d.customer_id
    WHERE d.log_index IS NULL
);

CREATE TABLE log_heads (
    ledger_no INTEGER NOT NULL,
    size      BIGINT NOT NULL,
    signed_at BIGINT NOT NULL,
    PRIMARY KEY (ledger_no, size)
) WITHOUT ROWID;
INSERT INTO log_heads (ledger_no, size, signed_at)
SELECT l.ledger_no, d.head_size, MIN(d.verified_at)
FROM deltas_0006 d JOIN tenant_ledgers l ON l.tenant_id = d.tenant_id
WHERE d.head_size IS NOT NULL
GROUP BY l.ledger_no, d.head_size;

DROP TABLE deltas_0006;
DROP TABLE log_customers_0006;

CREATE TABLE deltas (
    ledger_no       INTEGER NOT NULL,
    log_index       INTEGER NOT NULL,
    customer_no     INTEGER NOT NULL,
    amount          INTEGER NOT NULL,
    customer_seq    INTEGER NOT NULL,
    prev_index      INTEGER,
    balance_after   INTEGER NOT NULL,
    recorded_at     INTEGER NOT NULL,
    content_hash    BLOB NOT NULL,
    reason          TEXT NOT NULL,
    reference_id    TEXT,
    idempotency_key TEXT,
    metadata        TEXT,
    adjusts         TEXT,
    created_at      INTEGER,
    PRIMARY KEY (ledger_no, log_index)
) WITHOUT ROWID;
INSERT INTO deltas (ledger_no, log_index, customer_no, amount, customer_seq, prev_index, balance_after, recorded_at, content_hash, reason,
                    reference_id, idempotency_key, metadata, adjusts, created_at)
SELECT ledger_no, log_index, customer_no, amount, customer_seq, prev_index, balance_after, recorded_at, unhex(content_hash), reason,
       reference_id, idempotency_key, metadata, adjusts, CASE WHEN created_at = recorded_at THEN NULL ELSE created_at END
FROM deltas_0007_staging ORDER BY ledger_no, log_index;
CREATE INDEX ix_deltas_chain ON deltas (ledger_no, customer_no, log_index);
UPDATE log_customers SET first_index = (SELECT MIN(d.log_index) FROM deltas d WHERE d.ledger_no = log_customers.ledger_no AND d.customer_no = log_customers.customer_no);
UPDATE log_customers SET first_at = (SELECT d.recorded_at FROM deltas d WHERE d.ledger_no = log_customers.ledger_no AND d.log_index = log_customers.first_index);
CREATE UNIQUE INDEX ux_deltas_reference_id ON deltas (ledger_no, reference_id) WHERE reference_id IS NOT NULL;
CREATE UNIQUE INDEX ux_deltas_idempotency_key ON deltas (ledger_no, idempotency_key) WHERE idempotency_key IS NOT NULL;

-- Record and receipt ids handed out before this version, by place.
CREATE TABLE legacy_ids (
    ledger_no  INTEGER NOT NULL,
    log_index  INTEGER NOT NULL,
    record_id  TEXT NOT NULL UNIQUE,
    receipt_id TEXT NOT NULL UNIQUE,
    PRIMARY KEY (ledger_no, log_index)
) WITHOUT ROWID;
INSERT INTO legacy_ids (ledger_no, log_index, record_id, receipt_id)
SELECT ledger_no, log_index, record_id, receipt_id FROM deltas_0007_staging;

-- One row per group commit and log: the time its entries were recorded at and the first index it appended.
CREATE TABLE log_marks (
    ledger_no   INTEGER NOT NULL,
    recorded_at BIGINT NOT NULL,
    first_index BIGINT NOT NULL,
    PRIMARY KEY (ledger_no, recorded_at)
) WITHOUT ROWID;
INSERT INTO log_marks (ledger_no, recorded_at, first_index)
SELECT ledger_no, recorded_at, MIN(log_index) FROM deltas GROUP BY ledger_no, recorded_at;

UPDATE tenant_ledgers SET
    next_index = tree_size + (SELECT COUNT(*) FROM deltas_0007_staging s WHERE s.ledger_no = tenant_ledgers.ledger_no AND s.log_index >= tenant_ledgers.tree_size),
    appended_at = max(appended_at, COALESCE((SELECT MAX(recorded_at) FROM deltas_0007_staging s WHERE s.ledger_no = tenant_ledgers.ledger_no), 0));
DROP TABLE deltas_0007_staging;

-- Secrets of this plane (sealed under the key-encryption key), such as the key of its record and receipt ids.
CREATE TABLE plane_secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
