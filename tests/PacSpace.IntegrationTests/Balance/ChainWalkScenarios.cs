using System.Data.Common;
using CsCheck;
using Dapper;
using PacSpace.Cli;
using PacSpace.Hosting.Data;
using PacSpace.IntegrationTests.Infrastructure;
using PacSpace.Plane.Features.Deltas;
using PacSpace.Plane.Log;

namespace PacSpace.IntegrationTests.Balance;

/// <summary>
/// Every read along a customer's chain — a point below an index, a range of indexes in either order with its page, links by
/// sequence, the queued count, closing balances, signed heads and the writer's heads — agrees with the same read computed
/// from the rows in memory, on chains several anchors long (one indexed entry in 64) with part of the log not yet signed. The rows are written
/// straight into a freshly migrated plane database, the reads go through the store's own statements, on both engines.
/// </summary>
public abstract class ChainWalkScenarios(PostgresServer? postgres)
{
    private const long LedgerNo = 1;
    private const int Entries = 900;
    private const long TreeSize = 760;
    private static readonly string[] Customers = ["a", "b", "c", "d"];

    [Fact]
    public async Task ChainReads_AgreeWithTheRowsInMemory_AcrossAnchorsAndTheSignedSize()
    {
        var dir = Path.Combine(Path.GetTempPath(), "pacspace-walk-" + Guid.NewGuid().ToString("N")[..8]);
        await using var stack = LocalStack.Create(new StackOptions
        {
            DataDirectory = dir, Database = postgres?.ConnectionString("w_" + Guid.NewGuid().ToString("N")[..10]),
        });
        await stack.MigrateAsync([Role.Sandbox], default);
        var db = stack.OpenDatabase(Role.Sandbox);
        await using var c = await db.OpenAsync(default);
        var rows = await SeedAsync(c, db.Provider);
        var scope = new LogScope("t", LedgerNo, TreeSize, Entries, EntryIds.ForKey(new byte[32]));
        Row? LastBelow(string customer, long bound) => rows.LastOrDefault(r => r.Customer == customer && r.Index < bound);
        var customer = Gen.Int[0, Customers.Length - 1].Select(i => Customers[i]);
        var index = Gen.Long[-2, Entries + 40];

        // A point below an index (clamped to the signed size), and the queued count.
        await Gen.Select(customer, index).SampleAsync(async (id, bound) =>
        {
            var point = await DeltaStore.BeforeIndexAsync(c, scope, id, bound, default);
            var expected = LastBelow(id, Math.Min(bound, TreeSize));
            Assert.Equal(expected?.Index, point?.LogIndex);
            Assert.Equal(expected?.Seq, point?.CustomerSeq);
            Assert.Equal(expected?.Balance, point?.BalanceAfter);
        }, iter: 120, threads: 1);
        foreach (var id in Customers)
        {
            Assert.Equal(rows.Count(r => r.Customer == id && r.Index >= TreeSize), await DeltaStore.CountQueuedAsync(c, scope, id, default));
        }

        // Pages of a range of indexes, oldest and newest first (signed entries only), and the dashboard's newest-first page (queued too).
        await Gen.Select(customer, index, index, Gen.Int[0, 40], Gen.Long[0, 300]).SampleAsync(async (id, from, to, limit, offset) =>
        {
            var range = rows.Where(r => r.Customer == id && r.Index >= from && r.Index < Math.Min(to, TreeSize)).ToList();
            Assert.Equal(
                range.Skip((int)offset).Take(limit).Select(r => (r.Index, r.Seq, r.Balance)),
                (await DeltaStore.RangeAsync(c, scope, id, from, to, limit, offset, default)).Select(r => (r.LogIndex, r.CustomerSeq, r.BalanceAfter)));
            range.Reverse();
            Assert.Equal(
                range.Skip((int)offset).Take(limit).Select(r => (r.Index, r.Seq, r.Balance)),
                (await DeltaStore.NewestFirstAsync(c, scope, id, from, to, limit, offset, default)).Select(r => (r.LogIndex, r.CustomerSeq, r.BalanceAfter)));
            var queuedToo = rows.Where(r => r.Customer == id && r.Index >= from && r.Index < Math.Min(to, Entries)).Reverse().Take(limit).Select(r => r.Index);
            Assert.Equal(queuedToo, (await DeltaStore.NewestInRangeAsync(c, scope, id, from, Math.Min(to, Entries), limit, default)).Select(r => r.LogIndex));
        }, iter: 120, threads: 1);

        // Links by sequence, as the gap check reads them.
        await Gen.Select(customer, Gen.Long[1, 400], Gen.Long[0, 420], Gen.Int[1, 90]).SampleAsync(async (id, lo, to, take) =>
        {
            var expected = rows.Where(r => r.Customer == id && r.Seq >= lo && r.Seq <= to && r.Index < TreeSize).Take(take);
            Assert.Equal(
                expected.Select(r => (r.Seq, r.Index, r.Prev, r.Amount, r.Balance)),
                (await DeltaStore.LinksAsync(c, scope, id, lo, to, take, default)).Select(l => (l.CustomerSeq, l.LogIndex, l.PrevIndex, l.Amount, l.BalanceAfter)));
        }, iter: 80, threads: 1);

        // Closing balances at any size, and the signed heads.
        await index.SampleAsync(async toSize =>
        {
            var expected = Customers.Select(id => LastBelow(id, Math.Min(toSize, TreeSize))).OfType<Row>().Select(r => (r.Customer, r.Seq, r.Index, r.Balance)).Order();
            var leaves = await DeltaStore.ClosingBalancesAsync(c, scope, toSize, default);
            Assert.Equal(expected, leaves.Select(l => (l.CustomerId, l.LastCustomerSeq, l.LastIndex, (long)l.ClosingBalance)).Order());
        }, iter: 40, threads: 1);
        var heads = await LogCustomerStore.HeadsAsync(c, db.Provider, scope, [.. Customers, "nobody"], default);
        Assert.Equal(Customers.Length, heads.Count);
        foreach (var id in Customers)
        {
            var expected = LastBelow(id, TreeSize)!;
            var found = await LogCustomerStore.FindAsync(c, scope, id, default);
            Assert.Equal((expected.Seq, expected.Index, expected.Balance, expected.Index * 10), (found!.LastSeq, found.LastIndex, found.Balance, found.LastAt));
            Assert.Equal((found.LastSeq, found.LastIndex, found.Balance), (heads[id].LastSeq, heads[id].LastIndex, heads[id].Balance));
        }

        // The writer's own view of the heads: the newest entry of each chain, signed or not.
        var writerHeads = await DeltaStore.ChainHeadsAsync(c, null!, db.Provider, [1, 2, 3, 4, 99]);
        foreach (var (id, no) in Customers.Select((id, i) => (id, (long)i + 1)))
        {
            var last = rows.Last(r => r.Customer == id);
            Assert.Equal(new DeltaStore.Head(last.Seq, last.Index, last.Balance), writerHeads[no]);
        }

        Assert.Equal(Customers.Length, writerHeads.Count);
        if (db.Provider == DbProvider.Sqlite)
        {
            await AssertAnchorsUsedOnSqliteAsync(c);
        }
    }

    /// <summary>SQLite's plans of both walks seek the anchor indexes and the primary key: no scan of the log.</summary>
    private static async Task AssertAnchorsUsedOnSqliteAsync(DbConnection c)
    {
        var below = await PlanAsync(c, $"{DeltaStore.LastBelow(DbProvider.Sqlite, " AND c.customer_id = 'a'")} SELECT d.balance_after FROM w JOIN deltas d ON d.ledger_no = @LedgerNo AND d.log_index = w.log_index WHERE w.log_index < @bound");
        Assert.Contains("ix_deltas_anchor_index", below);
        // As a page reads it, newest first: the walk drives the seeks (not a scan of the log in index order to spare the sort).
        var bySequence = await PlanAsync(c, $"{DeltaStore.BySequence(DbProvider.Sqlite, DeltaRow.Columns, DeltaRow.Joins)} AND d.customer_seq >= @lo AND d.customer_seq <= @hi ORDER BY d.log_index DESC");
        Assert.Contains("ix_deltas_anchor_seq", bySequence);
        // For every customer at once (closing balances), too: each customer's anchor is a seek, not a scan of the log past the bound.
        var everyone = await PlanAsync(c, $"{DeltaStore.LastBelow(DbProvider.Sqlite, "")} SELECT c.customer_id, d.balance_after FROM w JOIN deltas d ON d.ledger_no = @LedgerNo AND d.log_index = w.log_index JOIN log_customers c ON c.customer_no = w.customer_no WHERE w.log_index < @bound");
        Assert.Contains("ix_deltas_anchor_index", everyone);
        foreach (var plan in new[] { below, bySequence, everyone })
        {
            Assert.DoesNotMatch(@"SCAN (d|a)\b", plan);
            Assert.DoesNotMatch(@"SEARCH a USING PRIMARY KEY", plan);
        }
    }

    private static async Task<string> PlanAsync(DbConnection c, string sql) =>
        string.Join('\n', (await c.QueryAsync<(long, long, long, string)>("EXPLAIN QUERY PLAN " + sql,
            new { LedgerNo, bound = 500L, lo = 10L, hi = 200L, customerId = "a" })).Select(r => r.Item4));

    /// <summary>
    /// Writes <see cref="Entries"/> deltas over the customers (uneven shares, so chains of a few dozen to several hundred
    /// entries), each chained to its customer's previous one, and each chain's head; the log's first <see cref="TreeSize"/>
    /// entries count as signed.
    /// </summary>
    private static async Task<List<Row>> SeedAsync(DbConnection c, DbProvider provider)
    {
        var random = new Random(20261207);
        var rows = new List<Row>(Entries);
        var last = new Dictionary<string, Row>();
        for (var i = 0; i < Entries; i++)
        {
            var draw = random.Next(100);
            var id = draw < 55 ? "a" : draw < 85 ? "b" : draw < 97 ? "c" : "d";
            var amount = (long)random.Next(-5, 11);
            var prev = last.GetValueOrDefault(id);
            var row = new Row(id, i, (prev?.Seq ?? 0) + 1, prev?.Index, amount, (prev?.Balance ?? 0) + amount);
            rows.Add(row);
            last[id] = row;
        }

        await using var tx = await c.BeginTransactionAsync();
        foreach (var (id, no) in Customers.Select((id, i) => (id, (long)i + 1)))
        {
            var first = rows.First(r => r.Customer == id);
            var head = last[id];
            // SQLite keeps each chain's head in log_customers; PostgreSQL finds it in its chain index.
            await c.ExecuteAsync(provider == DbProvider.Sqlite
                ? """
                  INSERT INTO log_customers (customer_no, ledger_no, customer_id, first_index, first_at, last_index)
                  VALUES (@no, @LedgerNo, @id, @firstIndex, @firstAt, @Index)
                  """
                : "INSERT INTO log_customers (customer_no, ledger_no, customer_id, first_index, first_at) VALUES (@no, @LedgerNo, @id, @firstIndex, @firstAt)", new { no, LedgerNo, id, firstIndex = first.Index, firstAt = first.Index * 10, head.Index }, tx);
        }

        await c.ExecuteAsync(
            """
            INSERT INTO deltas (ledger_no, log_index, customer_no, amount, customer_seq, prev_index, balance_after, recorded_at, content_hash, reason)
            VALUES (@LedgerNo, @Index, @No, @Amount, @Seq, @Prev, @Balance, @At, @Hash, 'usage')
            """, rows.Select(r => new { LedgerNo, r.Index, No = Array.IndexOf(Customers, r.Customer) + 1L, r.Amount, r.Seq, r.Prev, r.Balance, At = r.Index * 10, Hash = new byte[32] }), tx);
        await tx.CommitAsync();
        return rows;
    }

    private sealed record Row(string Customer, long Index, long Seq, long? Prev, long Amount, long Balance);
}

public sealed class ChainWalkScenariosOnSqlite() : ChainWalkScenarios(null);

[Collection(PostgresCollection.Name)]
public sealed class ChainWalkScenariosOnPostgres(PostgresServer postgres) : ChainWalkScenarios(postgres);
