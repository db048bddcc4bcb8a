using System.Buffers;
using System.Data.Common;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace PacSpace.Plane.Features.Deltas;

/// <summary>
/// The group commit's statements on SQLite, run on the write transaction's own connection through SQLite's C API
/// (SQLitePCLRaw, which Microsoft.Data.Sqlite itself is built on): each statement is prepared once per commit and then
/// only rebound and stepped, without the provider's per-execution objects (a reader, a binder per parameter, boxed
/// values, UTF-16 → UTF-8 copies) that made up most of the writer's allocations. In process, a statement per delta
/// costs no round trip.
/// </summary>
internal sealed class SqliteAppender : IDisposable
{
    private readonly sqlite3 _db;
    private readonly List<sqlite3_stmt> _statements = [];
    private sqlite3_stmt? _byReference;
    private sqlite3_stmt? _byKey;
    private sqlite3_stmt? _customer;
    private sqlite3_stmt? _addCustomer;
    private sqlite3_stmt? _insert;

    public SqliteAppender(DbConnection connection)
    {
        _db = ((SqliteConnection)connection).Handle ?? throw new InvalidOperationException("The connection is not open.");
    }

    /// <summary>The log index of the delta with this referenceId, if there is one.</summary>
    public long? IndexOfReference(long ledgerNo, string referenceId) =>
        QueryLong(ref _byReference, "SELECT log_index FROM deltas WHERE ledger_no = ?1 AND reference_id = ?2", ledgerNo, referenceId);

    /// <summary>The log index of the delta with this Idempotency-Key, if there is one.</summary>
    public long? IndexOfKey(long ledgerNo, string key) =>
        QueryLong(ref _byKey, "SELECT log_index FROM deltas WHERE ledger_no = ?1 AND idempotency_key = ?2", ledgerNo, key);

    /// <summary>The customer's number in the log, if it has one.</summary>
    public long? CustomerNo(long ledgerNo, string customerId) =>
        QueryLong(ref _customer, "SELECT customer_no FROM log_customers WHERE ledger_no = ?1 AND customer_id = ?2", ledgerNo, customerId);

    /// <summary>Adds a customer with the index and time of its first delta; returns its number.</summary>
    public long AddCustomer(long ledgerNo, string customerId, long firstIndex, long firstAt)
    {
        var s = Prepare(ref _addCustomer,
            "INSERT INTO log_customers (ledger_no, customer_id, first_index, first_at) VALUES (?1, ?2, ?3, ?4) RETURNING customer_no");
        Check(raw.sqlite3_bind_int64(s, 1, ledgerNo));
        BindText(s, 2, customerId);
        Check(raw.sqlite3_bind_int64(s, 3, firstIndex));
        Check(raw.sqlite3_bind_int64(s, 4, firstAt));
        try
        {
            var rc = raw.sqlite3_step(s);
            Check(rc, raw.SQLITE_ROW);
            var no = raw.sqlite3_column_int64(s, 0);
            Check(raw.sqlite3_step(s), raw.SQLITE_DONE);
            return no;
        }
        finally
        {
            raw.sqlite3_reset(s);
        }
    }

    /// <summary>Inserts one sequenced delta.</summary>
    public void Insert(DeltaStore.NewEntry e)
    {
        var s = Prepare(ref _insert,
            """
            INSERT INTO deltas (ledger_no, log_index, customer_no, amount, customer_seq, prev_index, balance_after, recorded_at, content_hash, reason,
                                reference_id, idempotency_key, metadata, adjusts, content_version)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
            """);
        Check(raw.sqlite3_bind_int64(s, 1, e.LedgerNo));
        Check(raw.sqlite3_bind_int64(s, 2, e.LogIndex));
        Check(raw.sqlite3_bind_int64(s, 3, e.CustomerNo));
        Check(raw.sqlite3_bind_int64(s, 4, e.Amount));
        Check(raw.sqlite3_bind_int64(s, 5, e.CustomerSeq));
        Check(e.PrevIndex is long prev ? raw.sqlite3_bind_int64(s, 6, prev) : raw.sqlite3_bind_null(s, 6));
        Check(raw.sqlite3_bind_int64(s, 7, e.BalanceAfter));
        Check(raw.sqlite3_bind_int64(s, 8, e.RecordedAt));
        Check(raw.sqlite3_bind_blob(s, 9, e.ContentHash));
        BindText(s, 10, e.Reason);
        BindText(s, 11, e.ReferenceId);
        BindText(s, 12, e.IdempotencyKey);
        BindText(s, 13, e.Metadata);
        BindText(s, 14, e.Adjusts);
        Check(raw.sqlite3_bind_int64(s, 15, e.ContentVersion));
        try
        {
            Check(raw.sqlite3_step(s), raw.SQLITE_DONE);
        }
        finally
        {
            raw.sqlite3_reset(s);
        }
    }

    public void Dispose()
    {
        foreach (var s in _statements)
        {
            s.Dispose();
        }

        _statements.Clear();
    }

    private long? QueryLong(ref sqlite3_stmt? slot, string sql, long ledgerNo, string text)
    {
        var s = Prepare(ref slot, sql);
        Check(raw.sqlite3_bind_int64(s, 1, ledgerNo));
        BindText(s, 2, text);
        try
        {
            var rc = raw.sqlite3_step(s);
            if (rc == raw.SQLITE_DONE)
            {
                return null;
            }

            Check(rc, raw.SQLITE_ROW);
            return raw.sqlite3_column_int64(s, 0);
        }
        finally
        {
            raw.sqlite3_reset(s);
        }
    }

    private sqlite3_stmt Prepare(ref sqlite3_stmt? slot, string sql)
    {
        if (slot is null)
        {
            Check(raw.sqlite3_prepare_v2(_db, sql, out var prepared));
            _statements.Add(prepared);
            slot = prepared;
        }

        return slot;
    }

    // UTF-8 straight into a rented buffer: SQLite copies it (SQLITE_TRANSIENT) before the call returns.
    private void BindText(sqlite3_stmt s, int index, string? value)
    {
        if (value is null)
        {
            Check(raw.sqlite3_bind_null(s, index));
            return;
        }

        var rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(value.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(value, rented);
            Check(raw.sqlite3_bind_text(s, index, rented.AsSpan(0, length)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private void Check(int rc, int expected = raw.SQLITE_OK)
    {
        if (rc != expected)
        {
            throw new SqliteException(raw.sqlite3_errmsg(_db).utf8_to_string(), rc, raw.sqlite3_extended_errcode(_db));
        }
    }
}
