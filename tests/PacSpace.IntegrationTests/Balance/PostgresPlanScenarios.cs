using Dapper;
using PacSpace.Cli;
using PacSpace.IntegrationTests.Infrastructure;
using PacSpace.Plane.Features.Deltas;

namespace PacSpace.IntegrationTests.Balance;

/// <summary>
/// The group commit's lock and duplicate check run on one plan per connection (PostgreSQL's generic plan), kept for the
/// connection's life. A plan made while a new plane's tables are empty must still probe the unique indexes once per key:
/// a plan that scans the log's index entries instead would get slower with every delta stored.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresPlanScenarios(PostgresServer postgres)
{
    [Fact]
    public async Task GroupCommitCheck_GenericPlan_ProbesTheUniqueIndexesPerKey_OnEmptyAndOnFilledTables()
    {
        var dir = Path.Combine(Path.GetTempPath(), "pacspace-plan-" + Guid.NewGuid().ToString("N")[..8]);
        await using var stack = LocalStack.Create(new StackOptions { DataDirectory = dir, Database = postgres.ConnectionString("g_" + Guid.NewGuid().ToString("N")[..10]) });
        await stack.MigrateAsync([Role.Sandbox], default);
        await using var c = await stack.OpenDatabase(Role.Sandbox).OpenAsync(default);
        await using var tx = await c.BeginTransactionAsync();
        await c.ExecuteAsync("SET LOCAL plan_cache_mode = force_generic_plan; SET LOCAL enable_seqscan = off", transaction: tx);
        async Task AssertProbesAsync()
        {
            await c.ExecuteAsync($"PREPARE chk(bigint, bigint, text[], text[]) AS {DeltaStore.CheckSql(0, hasKeys: true, hasRefs: true)}", transaction: tx);
            await c.ExecuteAsync($"PREPARE lck(bigint) AS {DeltaStore.LockSql}", transaction: tx);
            var check = string.Join('\n', await c.QueryAsync<string>("EXPLAIN EXECUTE chk(1, 0, '{k1,k2}', '{r1,r2}')", transaction: tx));
            var lockPlan = string.Join('\n', await c.QueryAsync<string>("EXPLAIN EXECUTE lck(1)", transaction: tx));
            Assert.Equal(1L, await c.ExecuteScalarAsync<long>("SELECT generic_plans FROM pg_prepared_statements WHERE name = 'chk'", transaction: tx));

            // One probe per key, on both columns of each unique index, with nothing filtered after a scan.
            Assert.Matches(@"Index (Only )?Scan using ux_deltas_idempotency_key on deltas k[^\n]*\n\s*Index Cond: \(\(ledger_no = \$1\) AND \(idempotency_key = x\.v\)\)", check);
            Assert.Matches(@"Index (Only )?Scan using ux_deltas_reference_id on deltas r[^\n]*\n\s*Index Cond: \(\(ledger_no = \$1\) AND \(reference_id = y\.v\)\)", check);
            Assert.DoesNotContain("Filter: (x.v", check);
            Assert.DoesNotContain("Filter: (y.v", check);
            Assert.DoesNotContain("Seq Scan", check);
            Assert.Matches(@"Index Scan using \w+ on tenant_ledgers[^\n]*\n\s*Index Cond: \(ledger_no = \$1\)", lockPlan);
            await c.ExecuteAsync("DEALLOCATE chk; DEALLOCATE lck", transaction: tx);
        }

        // Made while the tables are empty (a new plane's first rounds)…
        await AssertProbesAsync();

        // …and once the log holds many rows, half of them with an Idempotency-Key, with statistics.
        await c.ExecuteAsync(
            """
            INSERT INTO deltas (ledger_no, log_index, customer_no, amount, customer_seq, balance_after, recorded_at, content_hash, reason, reference_id, idempotency_key)
            SELECT 1, i, i % 100, 1, i / 100, i / 100, 0, '\x00', 'r', 'ref-' || i, CASE WHEN i % 2 = 0 THEN 'key-' || i END FROM generate_series(0, 19999) i;
            ANALYZE deltas;
            """, transaction: tx);
        await AssertProbesAsync();
    }
}
