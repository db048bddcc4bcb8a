using Dapper;
using Microsoft.Data.Sqlite;
using PacSpace.Hosting.Data;

namespace PacSpace.Plane.Tests;

/// <summary>
/// The group commit's own SQLite connection commits without syncing (its writer syncs the log itself before answering); that
/// setting must never reach the pooled handles, where the next writer (the head signer, a record entry) would commit without
/// syncing, and its writes queue with the host's other writers.
/// </summary>
public sealed class SqliteSyncLaterTests
{
    [Fact]
    public async Task SyncLaterConnection_CommitsWithoutSyncing_StaysOpen_AndLeavesThePoolAtFull()
    {
        var dir = Directory.CreateTempSubdirectory("pacspace-synclater-");
        var file = Path.Combine(dir.FullName, "plane.db");
        try
        {
            await using var db = new Database(Database.SqliteFile(file));
            Assert.True(db.CanSyncLater);
            await using (var c = await db.OpenAsync(default))
            {
                await c.ExecuteAsync("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
            }

            await using var own = await db.OpenSyncLaterAsync(default);
            Assert.NotNull(own);
            // 1 = NORMAL: in WAL mode the commit writes the log and does not sync it.
            Assert.Equal(1L, await own.ExecuteScalarAsync<long>("PRAGMA synchronous"));
            Microsoft.Win32.SafeHandles.SafeFileHandle? log = null;
            for (var round = 0; round < 3; round++)
            {
                await using (var write = await db.BeginWriteOnAsync(own, default))
                {
                    Assert.Same(own, write.Connection);
                    await write.Connection.ExecuteAsync("INSERT INTO t (v) VALUES ('x')", transaction: write.Transaction);
                    await write.CommitAsync(default);
                }

                Assert.Equal(System.Data.ConnectionState.Open, own.State);
                // The log opened once, after the first commit, and kept for the syncs that follow.
                log ??= db.OpenLog();
                Assert.NotNull(log);
                await db.SyncLogAsync(log, default);
            }

            // A rolled-back one too, and the connection still serves the next round.
            await using (var write = await db.BeginWriteOnAsync(own, default))
            {
                await write.Connection.ExecuteAsync("INSERT INTO t (v) VALUES ('y')", transaction: write.Transaction);
            }

            // While the own connection writes, the host's other writers wait for it.
            Task<WriteTransaction> other;
            await using (var write = await db.BeginWriteOnAsync(own, default))
            {
                other = db.BeginWriteAsync(default);
                await Task.Delay(100);
                Assert.False(other.IsCompleted);
                await write.Connection.ExecuteAsync("INSERT INTO t (v) VALUES ('z')", transaction: write.Transaction);
                await write.CommitAsync(default);
            }

            await using (var plain = await other)
            {
                // The pooled handles were never touched: 2 = FULL.
                Assert.Equal(2L, await plain.Connection.ExecuteScalarAsync<long>("PRAGMA synchronous", transaction: plain.Transaction));
                Assert.Equal(4L, await plain.Connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM t", transaction: plain.Transaction));
            }

            var open = new List<System.Data.Common.DbConnection>();
            try
            {
                for (var i = 0; i < 4; i++)
                {
                    open.Add(await db.OpenAsync(default));
                }

                foreach (var c in open)
                {
                    Assert.Equal(2L, await c.ExecuteScalarAsync<long>("PRAGMA synchronous"));
                }
            }
            finally
            {
                foreach (var c in open)
                {
                    await c.DisposeAsync();
                }
            }

            // With every pooled connection closed, the own connection still holds the file: the log it was kept with stays.
            SqliteConnection.ClearAllPools();
            Assert.True(File.Exists(file + "-wal"));
            await db.SyncLogAsync(log, default);

            // Once every connection is closed SQLite folds the log into the file and removes it: nothing is left to sync, and a
            // kept handle closed with its connection is no error.
            log!.Dispose();
            await own.DisposeAsync();
            SqliteConnection.ClearAllPools();
            Assert.False(File.Exists(file + "-wal"));
            Assert.Null(db.OpenLog());
            await db.SyncLogAsync(log, default);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task InMemory_HasNoLogToSync_AndNoConnectionOfItsOwn()
    {
        await using var db = new Database("Data Source=synclater;Mode=Memory;Cache=Shared");
        Assert.False(db.CanSyncLater);
        Assert.Null(await db.OpenSyncLaterAsync(default));
        await using var keep = await db.OpenAsync(default);
        await keep.ExecuteAsync("CREATE TABLE t (id INTEGER PRIMARY KEY)");
        await using (var write = await db.BeginWriteAsync(default))
        {
            await write.Connection.ExecuteAsync("INSERT INTO t DEFAULT VALUES", transaction: write.Transaction);
            await write.CommitAsync(default);
        }

        Assert.Null(db.OpenLog());
        await db.SyncLogAsync(null, default);
        Assert.Equal(1L, await keep.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM t"));
    }
}
