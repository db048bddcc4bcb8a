using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.Win32.SafeHandles;
using Npgsql;

namespace PacSpace.Hosting.Data;

public enum DbProvider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// One database a host talks to: SQLite (embedded default) or PostgreSQL (deployments). Plain ADO.NET
/// with Dapper on top; the SQL we write is the portable subset both engines share.
/// </summary>
public sealed class Database : IAsyncDisposable
{
    private readonly NpgsqlDataSource? _npgsql;

    // Rows are C# records with PascalCase members read from snake_case columns (tenant_id → TenantId).
    static Database() => Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;

    // SQLite: the pooled handles whose connection settings are applied (see OpenAsync).
    private static readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> Configured = new();
    private static readonly object Applied = new();

    // Every SQLite connection's settings, {0} being how its commits sync (see OpenAsync).
    private const string SqliteSettings =
        "PRAGMA journal_mode=WAL; PRAGMA synchronous={0}; PRAGMA foreign_keys=ON; PRAGMA cache_size=-16384; PRAGMA wal_autocheckpoint=50000;";

    // SQLite, a file (not in memory): its write-ahead log, which SyncLogAsync makes durable.
    private readonly string? _sqliteLog;

    // SQLite: one writer per file at a time. See BeginWriteAsync.
    private readonly SemaphoreSlim? _sqliteWriter;

    /// <summary>
    /// The operator's PostgreSQL connection string with PacSpace's defaults added for what it does not set itself.
    /// </summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item><c>No Reset On Close=true</c>: a connection goes back to the pool as it is. Nothing here changes session state (no
    /// SET, LISTEN, temporary tables or session-level advisory locks), and the reset would add a DISCARD ALL to every group
    /// commit.</item>
    /// <item><c>Max Auto Prepare=32</c> with <c>plan_cache_mode=force_custom_plan</c> in <c>Options</c>: the statements the hot
    /// paths repeat are parsed once per connection, and still planned for each run's values. A generic plan (what
    /// PostgreSQL would otherwise settle on after five runs) made while a new database's tables are still empty stays
    /// cached on the connection, and such a plan for the group commit's duplicate look-up was measured at 280 ms a round
    /// instead of under one. A string that sets <c>Max Auto Prepare</c> gets neither.</item>
    /// </list>
    /// NpgsqlConnectionStringBuilder.ContainsKey is true for every keyword it knows, set or not, so the string's own keys
    /// are read through the plain parser.
    /// </remarks>
    public static string PostgresDefaults(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!given.ContainsKey("No Reset On Close") && !given.ContainsKey("NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }

        if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 32;
            if (builder.Options?.Contains("plan_cache_mode", StringComparison.Ordinal) != true)
            {
                builder.Options = string.IsNullOrWhiteSpace(builder.Options)
                    ? "-c plan_cache_mode=force_custom_plan"
                    : builder.Options + " -c plan_cache_mode=force_custom_plan";
            }
        }

        return builder.ConnectionString;
    }

    public Database(string connectionString)
    {
        Provider = DetectProvider(connectionString);
        if (Provider == DbProvider.Postgres)
        {
            _npgsql = NpgsqlDataSource.Create(PostgresDefaults(connectionString));
            ConnectionString = connectionString;
        }
        else
        {
            var builder = new SqliteConnectionStringBuilder(connectionString)
            {
                Pooling = true,
                DefaultTimeout = 30,
            };
            var dir = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
            if (!string.IsNullOrEmpty(dir))
            {
                Directory.CreateDirectory(dir);
            }

            ConnectionString = builder.ToString();
            _sqliteWriter = new SemaphoreSlim(1, 1);
            if (builder.Mode != SqliteOpenMode.Memory && builder.DataSource is { Length: > 0 } file && file != ":memory:"
                && !file.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
            {
                _sqliteLog = Path.GetFullPath(file) + "-wal";
            }
        }
    }

    public DbProvider Provider { get; }

    public string ConnectionString { get; }

    /// <summary>A short description safe to print: never the password.</summary>
    public string Describe()
    {
        if (Provider == DbProvider.Sqlite)
        {
            return "sqlite:" + new SqliteConnectionStringBuilder(ConnectionString).DataSource;
        }

        var b = new NpgsqlConnectionStringBuilder(ConnectionString);
        return $"postgres://{b.Host}:{b.Port}/{b.Database}";
    }

    public static DbProvider DetectProvider(string connectionString)
    {
        var text = connectionString.TrimStart();
        if (text.StartsWith("Host=", StringComparison.OrdinalIgnoreCase)
            || text.Contains(";Host=", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("Server=", StringComparison.OrdinalIgnoreCase))
        {
            return DbProvider.Postgres;
        }

        return DbProvider.Sqlite;
    }

    public static string SqliteFile(string path) =>
        new SqliteConnectionStringBuilder { DataSource = path }.ToString();

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (_npgsql is not null)
        {
            return await _npgsql.OpenConnectionAsync(cancellationToken);
        }

        var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        // The settings below stay with the file's handle, which the pool keeps: they are applied once per handle, not on every
        // open (reads and every writer but the group commit open one each time).
        if (connection.Handle is not { } handle || Configured.TryGetValue(handle, out _))
        {
            return connection;
        }

        using var pragma = connection.CreateCommand();
        // WAL lets readers run beside the single writer; FULL makes every commit durable before we answer. A 16 MiB page
        // cache (SQLite's default: 2 MiB) keeps the plane's chain index, written in customer order, in memory. The log is
        // copied back into the file by SqliteCheckpointer, beside the writer; the automatic checkpoint, which would run
        // inside a commit, is only a backstop for a process without it (at 50,000 pages, SQLite's default being 1,000).
        pragma.CommandText = string.Format(CultureInfo.InvariantCulture, SqliteSettings, "FULL");
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        Configured.AddOrUpdate(handle, Applied);
        return connection;
    }

    /// <summary>
    /// Opens a connection and begins a write transaction. On SQLite, which lets one writer at a time hold the
    /// file, this host's writers queue here first and hand over as soon as the previous one commits:
    /// Microsoft.Data.Sqlite meets a locked file by sleeping 150 ms before each retry, which would stall the
    /// group commit behind every sequencer round. Writers in other processes still meet that retry.
    /// </summary>
    public Task<WriteTransaction> BeginWriteAsync(CancellationToken cancellationToken) => BeginWriteOnAsync(null, cancellationToken);

    /// <summary>
    /// SQLite on a file (<see cref="CanSyncLater"/>): a writer's own connection, outside the pool, whose commits do not wait for
    /// the disk (<c>synchronous=NORMAL</c> for its whole life): a commit is visible at once and durable only after a
    /// <see cref="SyncLogAsync"/> that starts after it, and the file's write lock is free again meanwhile, so the next writer
    /// works while the disk syncs. Whoever commits on it answers nobody before that sync. Its writes go through
    /// <see cref="BeginWriteOnAsync"/>; the caller disposes it. Null where there is no log to sync.
    /// </summary>
    public async Task<SqliteConnection?> OpenSyncLaterAsync(CancellationToken cancellationToken)
    {
        if (!CanSyncLater)
        {
            return null;
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder(ConnectionString) { Pooling = false }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken);
            using var pragma = connection.CreateCommand();
            pragma.CommandText = string.Format(CultureInfo.InvariantCulture, SqliteSettings, "NORMAL");
            await pragma.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// <see cref="BeginWriteAsync(CancellationToken)"/> on a connection the caller keeps (<see cref="OpenSyncLaterAsync"/>):
    /// queued with this host's other writers the same way; disposing the transaction leaves the connection open. Without one,
    /// a connection is opened for the transaction and closed with it.
    /// </summary>
    public async Task<WriteTransaction> BeginWriteOnAsync(DbConnection? kept, CancellationToken cancellationToken)
    {
        if (_sqliteWriter is not null)
        {
            await _sqliteWriter.WaitAsync(cancellationToken);
        }

        DbConnection? opened = null;
        try
        {
            var connection = kept ?? (opened = await OpenAsync(cancellationToken));
            var tx = await connection.BeginTransactionAsync(cancellationToken);
            return new WriteTransaction(connection, tx, _sqliteWriter, keepConnection: kept is not null);
        }
        catch
        {
            if (opened is not null)
            {
                await opened.DisposeAsync();
            }

            _sqliteWriter?.Release();
            throw;
        }
    }

    /// <summary>
    /// Ends the transaction a batch opened with a plain <c>BEGIN</c> and failed before its <c>COMMIT</c> ran, so that the
    /// connection goes back to the pool outside a transaction (<c>No Reset On Close</c>). A broken connection is not returned
    /// to the pool: its error is not this method's to report.
    /// </summary>
    public static async Task RollBackQuietlyAsync(DbConnection connection)
    {
        try
        {
            await using var rollback = connection.CreateCommand();
            rollback.CommandText = "ROLLBACK";
            await rollback.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception)
        {
            // Broken: not reused.
        }
    }

    /// <summary>SQLite on a file: commits can leave the disk sync to <see cref="SyncLogAsync"/>.</summary>
    public bool CanSyncLater => _sqliteLog is not null;

    /// <summary>
    /// SQLite on a file: its write-ahead log opened for <see cref="SyncLogAsync"/>, or null (in memory, or no log yet). The
    /// caller keeps it no longer than a connection of its own that has read the file since the log was opened: SQLite deletes
    /// the log only when its last connection closes, so while that connection is open the handle is the log's file.
    /// </summary>
    public SafeFileHandle? OpenLog()
    {
        if (_sqliteLog is null)
        {
            return null;
        }

        try
        {
            return File.OpenHandle(_sqliteLog, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// SQLite: makes everything committed to the file's write-ahead log so far durable (one <c>fsync</c> of the log). A commit
    /// on a connection of <see cref="OpenSyncLaterAsync"/> is durable once a call started after it returns. Without a log file there is nothing to sync:
    /// SQLite removes it only after copying it into the database file and syncing that. PostgreSQL: nothing to do.
    /// </summary>
    /// <param name="log">The log kept open (<see cref="OpenLog"/>), saving an open and a close per call; when null or already
    /// closed, the log is opened by its path.</param>
    /// <param name="cancellationToken">Checked before the sync.</param>
    public Task SyncLogAsync(SafeFileHandle? log, CancellationToken cancellationToken)
    {
        // On the caller's thread: one fsync, well under a millisecond on a healthy disk.
        if (_sqliteLog is null)
        {
            return Task.CompletedTask;
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (log is { IsClosed: false })
        {
            try
            {
                RandomAccess.FlushToDisk(log);
                return Task.CompletedTask;
            }
            catch (ObjectDisposedException)
            {
                // Closed meanwhile, with the connection it was kept with: open the log by its path below.
            }
        }

        using var opened = OpenLog();
        if (opened is not null)
        {
            RandomAccess.FlushToDisk(opened);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Runs one statement once per row of parameter values, in order, and returns the rows each run affected:
    /// in one round trip where the provider batches statements (PostgreSQL), else through one prepared command
    /// (SQLite, in process, where a round trip costs nothing).
    /// </summary>
    public static async Task<int[]> ExecuteEachAsync(DbConnection connection, DbTransaction? tx, string sql, string[] names, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken)
    {
        const int MaxBatch = 1000;
        var affected = new int[rows.Count];
        if (connection.CanCreateBatch)
        {
            for (var start = 0; start < rows.Count; start += MaxBatch)
            {
                await using var batch = connection.CreateBatch();
                batch.Transaction = tx;
                var end = Math.Min(rows.Count, start + MaxBatch);
                for (var i = start; i < end; i++)
                {
                    var command = batch.CreateBatchCommand();
                    command.CommandText = sql;
                    for (var j = 0; j < names.Length; j++)
                    {
                        var parameter = command.CreateParameter();
                        parameter.ParameterName = names[j];
                        parameter.Value = rows[i][j] ?? DBNull.Value;
                        command.Parameters.Add(parameter);
                    }

                    batch.BatchCommands.Add(command);
                }

                await batch.ExecuteNonQueryAsync(cancellationToken);
                for (var i = start; i < end; i++)
                {
                    affected[i] = batch.BatchCommands[i - start].RecordsAffected;
                }
            }

            return affected;
        }

        await using var each = connection.CreateCommand();
        each.Transaction = tx;
        each.CommandText = sql;
        var parameters = new DbParameter[names.Length];
        for (var j = 0; j < names.Length; j++)
        {
            parameters[j] = each.CreateParameter();
            parameters[j].ParameterName = names[j];
            each.Parameters.Add(parameters[j]);
        }

        for (var i = 0; i < rows.Count; i++)
        {
            for (var j = 0; j < names.Length; j++)
            {
                parameters[j].Value = rows[i][j] ?? DBNull.Value;
            }

            affected[i] = await each.ExecuteNonQueryAsync(cancellationToken);
        }

        return affected;
    }

    /// <summary>Closes pooled connections (PostgreSQL); SQLite pools are per file and cleared by the provider.</summary>
    public ValueTask DisposeAsync() => _npgsql?.DisposeAsync() ?? ValueTask.CompletedTask;

    /// <summary>True when the exception is a unique-constraint violation on either engine.</summary>
    public static bool IsUniqueViolation(Exception ex) => ex switch
    {
        SqliteException s => s.SqliteErrorCode == 19 && s.SqliteExtendedErrorCode is 2067 or 1555,
        PostgresException p => p.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };
}

/// <summary>A connection with an open write transaction, from <see cref="Database.BeginWriteAsync"/>; disposing it rolls back unless committed.</summary>
public sealed class WriteTransaction : IAsyncDisposable
{
    private readonly bool _keepConnection;
    private SemaphoreSlim? _gate;

    internal WriteTransaction(DbConnection connection, DbTransaction transaction, SemaphoreSlim? gate, bool keepConnection)
    {
        Connection = connection;
        Transaction = transaction;
        _gate = gate;
        _keepConnection = keepConnection;
    }

    public DbConnection Connection { get; }

    public DbTransaction Transaction { get; }

    public Task CommitAsync(CancellationToken cancellationToken) => Transaction.CommitAsync(cancellationToken);

    public Task RollbackAsync(CancellationToken cancellationToken) => Transaction.RollbackAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Transaction.DisposeAsync();
            if (!_keepConnection)
            {
                await Connection.DisposeAsync();
            }
        }
        finally
        {
            Interlocked.Exchange(ref _gate, null)?.Release();
        }
    }
}
