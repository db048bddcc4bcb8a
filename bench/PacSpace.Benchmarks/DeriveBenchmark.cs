using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Dapper;
using PacSpace.Cli;

namespace PacSpace.Benchmarks;

// GET /api/v1/balance/derive/{customerId} for a customer with 1,000,000 VERIFIED deltas this month, on SQLite and
// PostgreSQL, through HTTP with a test key (whole request: key check, two chain seeks, a page of 100 deltas, JSON).
// The deltas are written straight into the plane's table with the chain fields the group commit would give them (one
// INSERT … SELECT over a generated series), because this measures reading a long chain, not ingesting it. For scale,
// the same run times the naive alternative — SUM(amount) over the customer's rows — on the same database.
//
//   dotnet run -c Release --project bench/PacSpace.Benchmarks -- derive [--runs 5] [--deltas 1000000] [--requests 200] [--store both|sqlite|postgres] [--database "Host=…"]
internal static class DeriveBenchmark
{
    private const string Customer = "cust_long_chain";

    public static async Task<int> RunAsync(string[] args)
    {
        var runs = Cli.Arg(args, "--runs", 5);
        var deltas = Cli.Arg(args, "--deltas", 1_000_000);
        var requests = Cli.Arg(args, "--requests", 200);
        var reports = await BenchStack.OnStoresAsync(args, async (store, postgres) =>
        {
            var dir = BenchStack.NewDirectory();
            var (stack, tenant) = await BenchStack.StartWithTenantAsync(dir, postgres, args);
            await using (stack)
            {
                var seeding = Stopwatch.StartNew();
                var expected = await SeedAsync(stack, tenant.TenantId, deltas, postgres is not null);
                seeding.Stop();

                using var http = new HttpClient { BaseAddress = stack.Url(Role.Sandbox) };
                http.DefaultRequestHeaders.Add("X-Api-Key", tenant.Key);
                // Record ids are derived from the log position with the plane's key: the middle one is asked of the API.
                var middle = JsonDocument.Parse(await http.GetStringAsync($"/api/v1/balance/derive/{Customer}?limit=1&offset={(deltas / 2) - 1}")).RootElement
                    .GetProperty("data").GetProperty("deltas")[0].GetProperty("recordId").GetString();
                var paths = new (string Name, string Path)[]
                {
                    ("current month (default scope)", $"/api/v1/balance/derive/{Customer}"),
                    ("resume after the 500,000th delta", $"/api/v1/balance/derive/{Customer}?startingCheckpoint={middle}&startingCheckpointType=recordId"),
                };

                // The answer must be right before its speed means anything.
                var check = JsonDocument.Parse(await http.GetStringAsync(paths[0].Path)).RootElement.GetProperty("data");
                if (check.GetProperty("computedBalance").GetInt64() != expected || check.GetProperty("deltasCount").GetInt64() != deltas)
                {
                    throw new InvalidOperationException($"derive answered {check.GetProperty("computedBalance")} over {check.GetProperty("deltasCount")} deltas; expected {expected} over {deltas}");
                }

                var lines = new List<string>();
                foreach (var (name, path) in paths)
                {
                    var p50s = new List<double>();
                    var p99s = new List<double>();
                    for (var run = 1; run <= runs; run++)
                    {
                        for (var i = 0; i < 20; i++)
                        {
                            (await http.GetAsync(path)).EnsureSuccessStatusCode();
                        }

                        var samples = await BenchStack.TimeGetsAsync(http, path, requests);
                        p50s.Add(samples[samples.Count / 2]);
                        p99s.Add(samples[(int)Math.Ceiling(samples.Count * 0.99) - 1]);
                        Console.WriteLine(FormattableString.Invariant($"{store} {name} run {run}: p50 {p50s[^1]:0.00} ms, p99 {p99s[^1]:0.00} ms"));
                    }

                    lines.Add(FormattableString.Invariant($"| {store} | derive, {name} | {Median(p50s):0.00} ms | {Median(p99s):0.00} ms | {string.Join(", ", p99s.Select(x => x.ToString("0.00", CultureInfo.InvariantCulture)))} |"));
                }

                // The naive alternative, for scale: sum every delta of the customer (warm, median of the runs).
                await using var db = await stack.OpenDatabase(Role.Sandbox).OpenAsync(CancellationToken.None);
                var sums = new List<double>();
                for (var run = 0; run <= runs; run++)
                {
                    var started = Stopwatch.GetTimestamp();
                    var sum = await db.ExecuteScalarAsync<long>("SELECT SUM(amount) FROM deltas WHERE customer_no = (SELECT customer_no FROM log_customers WHERE customer_id = @c)", new { c = Customer });
                    if (run > 0)
                    {
                        sums.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }

                    if (sum != expected)
                    {
                        throw new InvalidOperationException("SUM disagrees with the chain.");
                    }
                }

                lines.Add(FormattableString.Invariant($"| {store} | for scale: SQL SUM(amount) over the {deltas:N0} rows (no HTTP) | {Median(sums):0.0} ms | | |"));
                lines.Add(FormattableString.Invariant($"| {store} | seeding {deltas:N0} chained rows (not a product path) | {seeding.Elapsed.TotalSeconds:0.0} s | | |"));
                Directory.Delete(dir, recursive: true);
                return string.Join('\n', lines);
            }
        });

        Console.WriteLine();
        Console.WriteLine($"derive, one customer with {deltas:N0} VERIFIED deltas, {requests} sequential requests per run, median of {runs} runs");
        Console.WriteLine("| store | request | p50 | p99 | p99 per run |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var report in reports)
        {
            Console.WriteLine(report);
        }

        return 0;
    }

    /// <summary>
    /// Writes the customer's chain: delta i (1-based) is +100 when i is a multiple of 10, else −1, so the running balance
    /// after i is 100·⌊i/10⌋ − (i − ⌊i/10⌋); log index i−1, customerSeq i, previous index i−2, recordedAt spread over
    /// this month up to now in log order.
    /// </summary>
    private static async Task<long> SeedAsync(LocalStack stack, string tenantId, int n, bool postgres)
    {
        var now = DateTimeOffset.UtcNow;
        var monthStart = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var span = Math.Max(1, now.ToUnixTimeMilliseconds() - 1000 - monthStart);
        var series = postgres
            ? "SELECT g AS i FROM generate_series(1, @n) AS g"
            : "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < @n) SELECT i FROM s";
        var zeroHash = postgres ? "decode(repeat('00', 32), 'hex')" : "zeroblob(32)";
        long tens = n / 10;
        var expected = (100 * tens) - (n - tens);
        await using var db = await stack.OpenDatabase(Role.Sandbox).OpenAsync(CancellationToken.None);
        var ledger = await db.ExecuteScalarAsync<long>("SELECT ledger_no FROM tenant_ledgers WHERE tenant_id = @tenantId", new { tenantId });
        await db.ExecuteAsync(
            """
            INSERT INTO log_customers (ledger_no, customer_id, first_index, first_at) VALUES (@ledger, @customer, 0, @start)
            """, new { ledger, customer = Customer, start = monthStart });
        var customer = await db.ExecuteScalarAsync<long>("SELECT customer_no FROM log_customers WHERE ledger_no = @ledger AND customer_id = @customer", new { ledger, customer = Customer });
        var sql = $"""
            INSERT INTO deltas (ledger_no, log_index, customer_no, amount, customer_seq, prev_index, balance_after, recorded_at, content_hash, reason)
            SELECT @ledger, i - 1, @customer, CASE WHEN i % 10 = 0 THEN 100 ELSE -1 END, i, CASE WHEN i = 1 THEN NULL ELSE i - 2 END,
                   100 * (i / 10) - (i - i / 10), @start + (i * @span) / (@n + 1), {zeroHash}, 'usage'
            FROM ({series}) AS g
            """;
        await db.ExecuteAsync(sql, new { n, ledger, customer, start = monthStart, span = (long)span }, commandTimeout: 600);
        // SQLite keeps the index of the chain's head (its last entry).
        if (!postgres)
        {
            await db.ExecuteAsync(
                """
                UPDATE log_customers SET last_index = @n - 1 WHERE customer_no = @customer
                """, new { n, ledger, customer });
        }

        // Every group commit notes its time and first index; here each row stands for one. The log counts them as signed.
        await db.ExecuteAsync("INSERT INTO log_marks (ledger_no, recorded_at, first_index) SELECT ledger_no, recorded_at, MIN(log_index) FROM deltas WHERE ledger_no = @ledger GROUP BY ledger_no, recorded_at",
            new { ledger }, commandTimeout: 600);
        await db.ExecuteAsync("UPDATE tenant_ledgers SET tree_size = @n, next_index = @n WHERE ledger_no = @ledger", new { n, ledger });
        await db.ExecuteAsync("ANALYZE deltas");
        return expected;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
