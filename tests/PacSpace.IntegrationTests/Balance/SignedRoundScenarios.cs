using Dapper;
using PacSpace.Cli;
using PacSpace.IntegrationTests.Infrastructure;
using PacSpace.Plane.Log;

namespace PacSpace.IntegrationTests.Balance;

/// <summary>
/// PostgreSQL's signer round in one round trip (<see cref="TenantLedgerStore.SignInOneTripAsync"/>): the head moves only for the
/// lease holder from the size it read, and the tiles, the head's time and its outbox row are written with it or not at all.
/// Run on a freshly migrated plane database, straight through the store's statement.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SignedRoundScenarios(PostgresServer postgres)
{
    [Fact]
    public async Task HeadMovesOnlyForTheLeaseHolderFromTheSizeItRead_AndEverythingElseWithItOrNotAtAll()
    {
        var dir = Path.Combine(Path.GetTempPath(), "pacspace-sign-" + Guid.NewGuid().ToString("N")[..8]);
        await using var stack = LocalStack.Create(new StackOptions { DataDirectory = dir, Database = postgres.ConnectionString("s_" + Guid.NewGuid().ToString("N")[..10]) });
        await stack.MigrateAsync([Role.Sandbox], default);
        var db = stack.OpenDatabase(Role.Sandbox);
        await using var c = await db.OpenAsync(default);
        await c.ExecuteAsync(
            """
            INSERT INTO tenant_ledgers (tenant_id, environment, origin, key_name, public_key, private_key, tree_size, root_hash, checkpoint, created_at, lease_owner, lease_until, next_index)
            VALUES ('t1', 'sandbox', 'o1', 'k', 'p', 's', 4, 'r4', 'c4', 0, 'seq_a', 9999999999999, 9);
            INSERT INTO webhook_endpoints (id, tenant_id, url, events, enabled, version, updated_at) VALUES ('we_1', 't1', 'https://example.com/h', 'delta.verified', 1, 1, 0);
            """);
        var tile = new byte[5 * 32];
        Random.Shared.NextBytes(tile);
        TenantLedgerStore.SignedRound Round(string owner, long previous, byte[] hashes) =>
            new("t1", owner, previous, 9, "r9", "c9", 1234, ([0], [0L], [hashes]));
        async Task<(long Size, string Root, long Tiles, long Heads, long Events)> StateAsync() =>
            await c.QuerySingleAsync<(long, string, long, long, long)>(
                """
                SELECT tree_size, root_hash, (SELECT COUNT(*) FROM log_tiles), (SELECT COUNT(*) FROM log_heads), (SELECT COUNT(*) FROM webhook_outbox)
                FROM tenant_ledgers WHERE tenant_id = 't1'
                """);

        // Not the lease holder, or not from the size it read: nothing is written, and the connection is usable (no transaction left open).
        Assert.Null(await TenantLedgerStore.SignInOneTripAsync(c, Round("seq_b", 4, tile), default));
        Assert.Null(await TenantLedgerStore.SignInOneTripAsync(c, Round("seq_a", 3, tile), default));
        Assert.Equal((4L, "r4", 0L, 0L, 0L), await StateAsync());

        // The holder from the size it read: the head, its tile, its time and one outbox row for the subscribed endpoint.
        Assert.Equal(1, await TenantLedgerStore.SignInOneTripAsync(c, Round("seq_a", 4, tile), default));
        Assert.Equal((9L, "r9", 1L, 1L, 1L), await StateAsync());
        Assert.Equal(tile, await c.QuerySingleAsync<byte[]>("SELECT hashes FROM log_tiles WHERE tenant_id = 't1' AND level = 0 AND idx = 0"));
        Assert.Equal((9L, 1234L), await c.QuerySingleAsync<(long, long)>("SELECT size, signed_at FROM log_heads"));
        Assert.Equal((4L, 9L), await c.QuerySingleAsync<(long, long)>("SELECT first_index, end_index FROM webhook_outbox"));

        // A second round from the same stale size does not overwrite the tile with what it computed.
        Assert.Null(await TenantLedgerStore.SignInOneTripAsync(c, Round("seq_a", 4, new byte[32]), default));
        Assert.Equal(tile, await c.QuerySingleAsync<byte[]>("SELECT hashes FROM log_tiles WHERE tenant_id = 't1' AND level = 0 AND idx = 0"));
        Assert.Equal((9L, "r9", 1L, 1L, 1L), await StateAsync());
        Assert.Equal(0L, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM pg_stat_activity WHERE pid = pg_backend_pid() AND xact_start IS NOT NULL AND state = 'idle in transaction'"));
    }
}
