using System.Collections.Concurrent;
using System.Net;
using Dapper;
using PacSpace.Cli;
using PacSpace.IntegrationTests.Infrastructure;
using PacSpace.Ledger;

namespace PacSpace.IntegrationTests.Balance;

/// <summary>
/// Two Sandbox plane replicas on one PostgreSQL database, both taking writes and both running a sequencer. One
/// replica's clock runs ahead, so it sees the other's lease as expired and takes the log over while the other may
/// be mid-round; the other takes it back once the first is gone and its lease has run out. Whatever the
/// interleaving, the log must stay one chain: every delta appended exactly once, time never going back (though the
/// clocks disagree), per-customer chains unbroken, and every head either replica signed a prefix of the final log.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ReplicaScenarios(PostgresServer postgres)
{
    private const int PerReplicaAndPhase = 40;

    [Fact]
    public async Task TwoReplicas_LeaseTakenBackAndForth_LogStaysOneConsistentChain()
    {
        static void Settings(StackOptions o)
        {
            o.Overrides["Plane:SequencerLease"] = "00:00:01";
            o.Overrides["Plane:RateLimits:pilot:PermitsPerSecond"] = "100000";
            o.Overrides["Plane:RateLimits:pilot:Burst"] = "100000";
        }

        await using var a = await TestStack.StartAsync(Store.Postgres, postgres, Settings);
        var session = await a.Dashboard.ReadyTenantAsync();
        Assert.Equal(HttpStatusCode.OK, (await a.Dashboard.PostAsync("/dashboard/billing/plan", new { tier = "pilot" }, session)).Status);
        var key = (await a.Dashboard.CreateKeyAsync(session)).FullKey;
        var plane = a.PlaneDb(Role.Sandbox);
        var heads = new ConcurrentQueue<(string Owner, long Size, string Checkpoint)>();
        using var stopWatching = new CancellationTokenSource();
        async Task ReadHeadAsync()
        {
            await using var c = await plane.OpenAsync(default);
            var row = await c.QuerySingleAsync<(string? lease_owner, long tree_size, string checkpoint)>(
                "SELECT lease_owner, tree_size, checkpoint FROM tenant_ledgers WHERE tenant_id = @t", new { t = session.TenantId });
            heads.Enqueue((row.lease_owner ?? "", row.tree_size, row.checkpoint));
        }
        var watcher = Task.Run(async () =>
        {
            while (!stopWatching.IsCancellationRequested)
            {
                await ReadHeadAsync();
                await Task.Delay(20);
            }
            // One reading after the last delta was seen VERIFIED: the head that covers it and the lease of whoever
            // signed it, which a poll 20 ms apart can miss when the take-back and the last head fall between two.
            await ReadHeadAsync();
        });

        var accepted = new ConcurrentBag<string>();
        async Task EmitThroughAsync(TestStack[] replicas, string phase, int perReplica)
        {
            await Task.WhenAll(replicas.SelectMany((stack, r) => Enumerable.Range(0, 4).Select(client => Task.Run(async () =>
            {
                for (var i = 0; i < perReplica / 4; i++)
                {
                    var answer = await stack.EmitAsync(Role.Sandbox, key,
                        $$"""{"customerId": "cust_{{(client + i) % 3}}", "delta": {{(i % 2 == 0 ? -(i + 1) : i + 7)}}, "reason": "replica test", "referenceId": "{{phase}}-r{{r}}-c{{client}}-{{i}}"}""");
                    Assert.Equal(HttpStatusCode.Created, answer.Status);
                    accepted.Add(answer.Data.GetProperty("recordId").GetString()!);
                }
            }))));
        }

        // A alone first: its sequencer holds the log.
        await EmitThroughAsync([a], "solo", PerReplicaAndPhase);
        await a.VerifiedAsync(Role.Sandbox, key, accepted.First());

        // Replica B: the same database, only the Sandbox plane, a clock 1.5 s ahead, so A's 1 s lease is always over
        // for it and it takes the log over at its first round, whatever A is doing.
        await using var b = await TestStack.StartAsync(Store.Postgres, postgres, o =>
        {
            Settings(o);
            o.ConfigureServices = (_, services) => services.UseClock(new OffsetTimeProvider(TimeSpan.FromSeconds(1.5)));
        }, roles: [Role.Sandbox], shareDataWith: a.DataDirectory, database: a.Local.Options.Database);

        // Both take writes at once (B holds the log from its first round on, A's rounds in flight lose it).
        await EmitThroughAsync([a, b], "both", 2 * PerReplicaAndPhase);
        // B's sequencer takes the log at its first round that finds entries to sign. When A signed them all first (the phase can
        // end within one round), deltas keep going through B, one at a time, until B holds the log.
        async Task<string?> OwnerAsync()
        {
            await using var c = await plane.OpenAsync(default);
            return await c.ExecuteScalarAsync<string?>("SELECT lease_owner FROM tenant_ledgers WHERE tenant_id = @t", new { t = session.TenantId });
        }

        var extra = 0;
        for (var aOwner = heads.First(h => h.Owner.Length > 0).Owner; await OwnerAsync() == aOwner && extra < 100; extra++)
        {
            var answer = await b.EmitAsync(Role.Sandbox, key, $$"""{"customerId": "cust_{{extra % 3}}", "delta": 1, "reason": "replica test", "referenceId": "both-extra-{{extra}}"}""");
            Assert.Equal(HttpStatusCode.Created, answer.Status);
            accepted.Add(answer.Data.GetProperty("recordId").GetString()!);
            await Task.Delay(50);
        }

        // B goes away with the lease still in its name, dated 1.5 s ahead: A waits it out, takes the log back, and
        // appends after entries stamped by B's clock.
        await b.StopAsync(Role.Sandbox);
        await EmitThroughAsync([a], "after", PerReplicaAndPhase);

        await KeyTestKit.EventuallyAsync(async () =>
        {
            await using var c = await plane.OpenAsync(default);
            return await c.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {PlaneRows.Deltas} WHERE tenant_id = @t AND status <> 'VERIFIED'", new { t = session.TenantId });
        }, n => n == 0, TimeSpan.FromSeconds(20), "every delta VERIFIED");
        await stopWatching.CancelAsync();
        await watcher;

        await using var connection = await plane.OpenAsync(default);
        var ids = await PlaneRows.EntryIdsAsync(connection, a.Local.Root["Secrets:KeyEncryptionKey"]!);
        var rows = (await connection.QueryAsync<(long ledger_no, string customer_id, long amount, long log_index, long customer_seq, long? prev_index, long balance_after, long recorded_at, byte[] content_hash)>(
            $"""
            SELECT ledger_no, customer_id, amount, log_index, customer_seq, prev_index, balance_after, recorded_at, content_hash
            FROM {PlaneRows.Deltas} WHERE tenant_id = @t ORDER BY log_index
            """, new { t = session.TenantId }))
            .Select(r => new StoredEntry(ids.RecordId(r.ledger_no, r.log_index), r.customer_id, r.amount, r.log_index, r.customer_seq, r.prev_index, r.balance_after,
                r.recorded_at, Hex.Encode(r.content_hash))).ToList();
        Assert.Equal((6 * PerReplicaAndPhase) + extra, rows.Count);
        Assert.Equal(accepted.Order(StringComparer.Ordinal), rows.Select(r => r.RecordId).Order(StringComparer.Ordinal));

        // One chain: indexes without gaps, time never going back, each customer's sequence, link and balance unbroken.
        var (leaves, _) = LogAudit.CheckChains(rows);

        // Every head either replica stored: signed by the log's key, never shrinking, a prefix of the final log.
        var ledger = await connection.QuerySingleAsync<(string key_name, string public_key, long tree_size, string root_hash)>(
            "SELECT key_name, public_key, tree_size, root_hash FROM tenant_ledgers WHERE tenant_id = @t", new { t = session.TenantId });
        var root = MerkleTree.Root(leaves);
        Assert.Equal((rows.Count, Hex.Encode(root)), (ledger.tree_size, ledger.root_hash));
        var publicKey = Convert.FromBase64String(ledger.public_key);
        long largest = 0;
        // Polled every 20 ms, most heads were seen many times: each distinct one is checked once, in the order seen.
        foreach (var (_, size, note) in heads.DistinctBy(h => h.Checkpoint))
        {
            Assert.True(size >= largest, $"a head of size {size} after one of size {largest}");
            largest = size;
            Assert.True(SignedNote.Verify(note, ledger.key_name, publicKey, out var body), $"the signature of the head of size {size}: {note}");
            Assert.True(Checkpoint.TryParse(body, out var head), body);
            Assert.Equal(size, head!.Size);
            Assert.Equal(MerkleTree.Root(leaves.Take((int)size).ToList()), head.RootHash);
        }

        // The log changed hands A → B → A.
        var owners = heads.Select(h => h.Owner).Where(o => o.Length > 0).ToList();
        var handovers = owners.Zip(owners.Skip(1)).Count(p => p.First != p.Second);
        var changes = owners.Where((o, i) => i == 0 || owners[i - 1] != o).ToList();
        Assert.True(handovers >= 2 && owners[0] == owners[^1], "lease owners seen, in order: " + string.Join(" → ", changes));
    }
}
