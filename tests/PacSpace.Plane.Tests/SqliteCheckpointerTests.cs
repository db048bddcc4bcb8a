using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using PacSpace.Hosting.Data;

namespace PacSpace.Plane.Tests;

public sealed class SqliteCheckpointerTests
{
    [Fact]
    public async Task CommittedPages_ReachTheDatabaseFile_WithoutACommitCheckpointing()
    {
        var dir = Directory.CreateTempSubdirectory("pacspace-checkpoint-");
        var file = Path.Combine(dir.FullName, "plane.db");
        try
        {
            await using var db = new Database(Database.SqliteFile(file));
            await using (var c = await db.OpenAsync(default))
            {
                // Far below the automatic checkpoint's threshold: without the checkpointer this stays in the log.
                await c.ExecuteAsync("CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB NOT NULL)");
                await using var tx = await c.BeginTransactionAsync();
                for (var i = 0; i < 2_000; i++)
                {
                    await c.ExecuteAsync("INSERT INTO t (v) VALUES (randomblob(200))", transaction: tx);
                }

                await tx.CommitAsync();
            }

            var before = new FileInfo(file).Length;
            Assert.True(new FileInfo(file + "-wal").Length > 400_000, "the rows are in the write-ahead log");

            using var checkpointer = new SqliteCheckpointer(db, TimeProvider.System, NullLogger<SqliteCheckpointer>.Instance);
            await checkpointer.StartAsync(default);
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (new FileInfo(file).Length < before + 400_000 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            await checkpointer.StopAsync(default);
            Assert.True(new FileInfo(file).Length >= before + 400_000, $"database file {new FileInfo(file).Length} B, was {before} B");
            await using var read = await db.OpenAsync(default);
            Assert.Equal(2_000, await read.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM t"));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            dir.Delete(recursive: true);
        }
    }
}
