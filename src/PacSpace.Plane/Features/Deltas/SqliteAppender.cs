using System.Buffers;
using System.Data.Common;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Win32.SafeHandles;
using PacSpace.Hosting.Data;
using PacSpace.Plane.Log;
using SQLitePCL;

namespace PacSpace.Plane.Features.Deltas;

/// <summary>
/// The group commit's statements on SQLite, run on the write transaction's own connection through SQLite's C API
/// (SQLitePCLRaw, which Microsoft.Data.Sqlite itself is built on): each statement is prepared once and then only rebound and
/// stepped, without the provider's per-execution objects (a reader, a binder per parameter, boxed values, UTF-16 → UTF-8
/// copies). In process, a statement per delta costs no round trip. On a file, the appender owns its connection
/// (<see cref="OpenAsync"/>) and is kept from round to round, so its statements are compiled once for its life rather than
/// once per round; in memory it lives for one round on a pooled connection.
/// </summary>
internal sealed class SqliteAppender : IDisposable
{
    private readonly sqlite3 _db;
    private readonly SqliteConnection? _owned;
    private readonly List<sqlite3_stmt> _statements = [];
    private sqlite3_stmt? _byReference;
    private sqlite3_stmt? _byKey;
    private sqlite3_stmt? _customer;
    private sqlite3_stmt? _addCustomer;
    private sqlite3_stmt? _insert;
    private sqlite3_stmt? _lock;
    private sqlite3_stmt? _mark;
    private sqlite3_stmt? _appended;
    private sqlite3_stmt? _moveHead;
    private SafeFileHandle? _log;

    public SqliteAppender(DbConnection connection)
    {
        _db = ((SqliteConnection)connection).Handle ?? throw new InvalidOperationException("The connection is not open.");
    }

    private SqliteAppender(SqliteConnection owned)
        : this((DbConnection)owned)
    {
        _owned = owned;
    }

    /// <summary>The connection this appender owns, or none (it runs on a pooled one for one round).</summary>
    public SqliteConnection? Connection => _owned;

    /// <summary>
    /// The file's write-ahead log, opened once and kept with the connection this appender owns (<see cref="Database.OpenLog"/>),
    /// for the sync after each commit on it. Called after a commit, so that the connection holds the file and the log exists.
    /// </summary>
    public SafeFileHandle? Log(Database db) => _owned is null ? null : _log ??= db.OpenLog();

    /// <summary>An appender on a connection of its own (<see cref="Database.OpenSyncLaterAsync"/>), or none where there is no log to sync.</summary>
    public static async Task<SqliteAppender?> OpenAsync(Database db, CancellationToken ct) =>
        await db.OpenSyncLaterAsync(ct) is { } connection ? new SqliteAppender(connection) : null;

    /// <summary>The log's append point (<see cref="TenantLedgerStore.LockForAppendAsync"/>: the write transaction holds the file).</summary>
    public TenantLedgerStore.AppendPoint? LockForAppend(string tenantId)
    {
        var s = Prepare(ref _lock, TenantLedgerStore.LockForAppendSql(DbProvider.Sqlite));
        BindText(s, 1, tenantId);
        try
        {
            return StepToRow(s)
                ? new TenantLedgerStore.AppendPoint
                {
                    LedgerNo = raw.sqlite3_column_int64(s, 0), NextIndex = raw.sqlite3_column_int64(s, 1),
                    AppendedAt = raw.sqlite3_column_int64(s, 2), RecordEntries = raw.sqlite3_column_int64(s, 3),
                }
                : null;
        }
        finally
        {
            raw.sqlite3_reset(s);
        }
    }

    /// <summary>The round's mark (<see cref="DeltaStore.MarkSql"/>) and the log's new append point (<see cref="TenantLedgerStore.AppendedSql"/>).</summary>
    public void Appended(long ledgerNo, long firstIndex, long nextIndex, long recordedAt)
    {
        var mark = Prepare(ref _mark, DeltaStore.MarkSql);
        Check(raw.sqlite3_bind_int64(mark, 1, ledgerNo));
        Check(raw.sqlite3_bind_int64(mark, 2, recordedAt));
        Check(raw.sqlite3_bind_int64(mark, 3, firstIndex));
        Step(mark);
        var moved = Prepare(ref _appended, TenantLedgerStore.AppendedSql);
        Check(raw.sqlite3_bind_int64(moved, 1, nextIndex));
        Check(raw.sqlite3_bind_int64(moved, 2, recordedAt));
        Check(raw.sqlite3_bind_int64(moved, 3, ledgerNo));
        Step(moved);
    }

    /// <summary>Moves a chain's head to its newest entry (<see cref="DeltaStore.MoveHeadSql"/>).</summary>
    public void MoveHead(long customerNo, long logIndex)
    {
        var s = Prepare(ref _moveHead, DeltaStore.MoveHeadSql);
        Check(raw.sqlite3_bind_int64(s, 1, customerNo));
        Check(raw.sqlite3_bind_int64(s, 2, logIndex));
        Step(s);
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
        _owned?.Dispose();
        _log?.Dispose();
    }

    private void Step(sqlite3_stmt s)
    {
        try
        {
            Check(raw.sqlite3_step(s), raw.SQLITE_DONE);
        }
        finally
        {
            raw.sqlite3_reset(s);
        }
    }

    private long? QueryLong(ref sqlite3_stmt? slot, string sql, long ledgerNo, string text)
    {
        var s = Prepare(ref slot, sql);
        Check(raw.sqlite3_bind_int64(s, 1, ledgerNo));
        BindText(s, 2, text);
        try
        {
            return StepToRow(s) ? raw.sqlite3_column_int64(s, 0) : null;
        }
        finally
        {
            raw.sqlite3_reset(s);
        }
    }

    // The statements shared with Dapper use named parameters (@name): SQLite numbers them from 1 in the order they first
    // appear in the text, which is the order they are bound in here.
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

    /// <summary>Steps a look-up of at most one row: true on its row (read it before the reset), false when there is none.</summary>
    private bool StepToRow(sqlite3_stmt s)
    {
        var rc = raw.sqlite3_step(s);
        if (rc == raw.SQLITE_DONE)
        {
            return false;
        }

        Check(rc, raw.SQLITE_ROW);
        return true;
    }

    private void Check(int rc, int expected = raw.SQLITE_OK)
    {
        if (rc != expected)
        {
            throw new SqliteException(raw.sqlite3_errmsg(_db).utf8_to_string(), rc, raw.sqlite3_extended_errcode(_db));
        }
    }
}
