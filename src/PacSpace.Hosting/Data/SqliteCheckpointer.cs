using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PacSpace.Hosting.Data;

/// <summary>
/// SQLite only: copies the write-ahead log back into the database file from its own connection, a few times a second,
/// so that no commit does it. SQLite's own automatic checkpoint runs inside the commit that crosses its threshold, while
/// that commit still holds the file's single write lock, so every write waits for the copy and the database file's fsync
/// (the tail of ingest latency). A passive checkpoint runs beside the writer instead: it copies what is committed and
/// never waits for readers or writers. The automatic checkpoint stays as a backstop (<see cref="Database.OpenAsync"/>).
/// Durability does not depend on it: a commit is durable once it is in the log.
/// </summary>
public sealed partial class SqliteCheckpointer(Database db, TimeProvider time, ILogger<SqliteCheckpointer> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (db.Provider != DbProvider.Sqlite)
        {
            return;
        }

        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await using var connection = await db.OpenAsync(stoppingToken);
                    await connection.ExecuteAsync(new CommandDefinition("PRAGMA wal_checkpoint(PASSIVE)", cancellationToken: stoppingToken));
                }
                catch (SqliteException ex)
                {
                    // Busy (another checkpoint) or a transient I/O error: the next tick tries again, and the backstop remains.
                    LogCheckpointFailed(ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Debug, Message = "A background WAL checkpoint did not run; the next one will")]
    private partial void LogCheckpointFailed(Exception ex);
}
