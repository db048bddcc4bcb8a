using Dapper;
using Microsoft.Data.Sqlite;
using PacSpace.Hosting.Data;

namespace PacSpace.Plane.Tests;

/// <summary>
/// A SQLite write that leaves its disk sync for later (the group commit's) must not leave that setting behind on the pooled
/// handle, where the next writer (the head signer, a record entry) would commit without syncing.
/// </summary>
public sealed class SqliteSyncLaterTests
{
    [Fact]
    public async Task SyncLater_CommitsWithoutSyncing_ThenEveryPooledHandleIsBackToFull()
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

            for (var round = 0; round < 3; round++)
            {
                await using (var write = await db.BeginWriteAsync(syncLater: true, default))
                {
                    // 1 = NORMAL: in WAL mode the commit writes the log and does not sync it.
                    Assert.Equal(1L, await write.Connection.ExecuteScalarAsync<long>("PRAGMA synchronous", transaction: write.Transaction));
                    await write.Connection.ExecuteAsync("INSERT INTO t (v) VALUES ('x')", transaction: write.Transaction);
                    await write.CommitAsync(default);
                }

                await db.SyncLogAsync(default);
            }

            // A rolled-back one too.
            await using (var write = await db.BeginWriteAsync(syncLater: true, default))
            {
                await write.Connection.ExecuteAsync("INSERT INTO t (v) VALUES ('y')", transaction: write.Transaction);
            }

            // Every handle the pool holds, whichever it hands out first: 2 = FULL.
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

                await using var plain = await db.BeginWriteAsync(default);
                Assert.Equal(2L, await plain.Connection.ExecuteScalarAsync<long>("PRAGMA synchronous", transaction: plain.Transaction));
                Assert.Equal(3L, await plain.Connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM t", transaction: plain.Transaction));
            }
            finally
            {
                foreach (var c in open)
                {
                    await c.DisposeAsync();
                }
            }

            // Once every connection is closed SQLite folds the log into the file and removes it: nothing is left to sync.
            SqliteConnection.ClearAllPools();
            Assert.False(File.Exists(file + "-wal"));
            await db.SyncLogAsync(default);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task InMemory_HasNoLogToSync_AndCommitsAsBefore()
    {
        await using var db = new Database("Data Source=synclater;Mode=Memory;Cache=Shared");
        Assert.False(db.CanSyncLater);
        await using var keep = await db.OpenAsync(default);
        await keep.ExecuteAsync("CREATE TABLE t (id INTEGER PRIMARY KEY)");
        await using (var write = await db.BeginWriteAsync(syncLater: true, default))
        {
            await write.Connection.ExecuteAsync("INSERT INTO t DEFAULT VALUES", transaction: write.Transaction);
            await write.CommitAsync(default);
        }

        await db.SyncLogAsync(default);
        Assert.Equal(1L, await keep.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM t"));
    }
}
