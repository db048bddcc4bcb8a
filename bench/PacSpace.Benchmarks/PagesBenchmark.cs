using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using PacSpace.Cli;

namespace PacSpace.Benchmarks;

// The dashboard's data pages of one environment (customers, a customer, deltas with each filter, a delta, checkpoints,
// records, usage, audit log) for a tenant with 100,000 customers and 1,000,000 VERIFIED deltas, on SQLite and PostgreSQL:
// whole page requests to the control plane with a session cookie (session check, header, the plane's internal read route,
// the page rendered), sequential, p50 and p95 of each page. The ledger is written straight into the plane's tables with the
// fields a group commit would give them (INSERT … SELECT over a generated series): this measures reading, not ingesting.
//
//   dotnet run -c Release --project bench/PacSpace.Benchmarks -- pages [--customers 100000] [--deltas 1000000] [--requests 100] [--runs 5] [--store both|sqlite|postgres] [--database "Host=…"]
internal static partial class PagesBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var customers = Cli.Arg(args, "--customers", 100_000);
        var deltas = Cli.Arg(args, "--deltas", 1_000_000);
        var requests = Cli.Arg(args, "--requests", 100);
        var runs = Cli.Arg(args, "--runs", 5);
        var reports = await BenchStack.OnStoresAsync(args, async (store, postgres) =>
        {
            var dir = BenchStack.NewDirectory();
            var (stack, tenant) = await BenchStack.StartWithTenantAsync(dir, postgres, args);
            await using (stack)
            {
                var seeding = Stopwatch.StartNew();
                var (monthStart, monthSpan) = await SeedAsync(stack, tenant.TenantId, customers, deltas, postgres is not null);
                seeding.Stop();
                Console.WriteLine(FormattableString.Invariant($"{store}: seeded {customers:N0} customers and {deltas:N0} deltas in {seeding.Elapsed.TotalSeconds:0.0} s"));

                using var http = await SignedInAsync(stack, tenant);
                var middle = $"cust_{customers / 2:D7}";
                var firstPage = await http.GetStringAsync("/customers");
                var next = WebUtility.HtmlDecode(NextLink().Match(firstPage).Groups[1].Value);
                var recordId = RecordLink().Match(await http.GetStringAsync($"/customers/{middle}")).Groups[1].Value;
                var day = DateTimeOffset.FromUnixTimeMilliseconds(monthStart + (monthSpan / 2)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                var pages = new (string Name, string Path)[]
                {
                    ("customers, first page", "/customers"),
                    ("customers, next page", next),
                    ("customers, id starts with", "/customers?q=cust_00500&by=id"),
                    ("customers, name starts with", "/customers?q=acme%20supply%204&by=name"),
                    ("customer (deltas, checkpoints)", $"/customers/{middle}"),
                    ("deltas, newest", "/deltas"),
                    ("deltas, verified", "/deltas?status=verified"),
                    ("deltas, one customer", $"/deltas?customer={middle}"),
                    ("deltas, one day", $"/deltas?from={day}&to={day}"),
                    ("delta", $"/deltas/{recordId}"),
                    ("checkpoints", "/checkpoints"),
                    ("records", "/records"),
                    ("usage", "/usage"),
                    ("audit log", "/audit-log"),
                };

                var lines = new List<string>();
                foreach (var (name, path) in pages)
                {
                    for (var i = 0; i < 10; i++)
                    {
                        (await http.GetAsync(path)).EnsureSuccessStatusCode();
                    }

                    var p50s = new List<double>(runs);
                    var p95s = new List<double>(runs);
                    for (var run = 0; run < runs; run++)
                    {
                        var samples = await BenchStack.TimeGetsAsync(http, path, requests);
                        p50s.Add(samples[samples.Count / 2]);
                        p95s.Add(samples[(int)Math.Ceiling(samples.Count * 0.95) - 1]);
                    }

                    var (p50, p95) = (ActivationBenchmark.Median(p50s), ActivationBenchmark.Median(p95s));
                    Console.WriteLine(FormattableString.Invariant($"{store} {name}: p50 {p50:0.0} ms, p95 {p95:0.0} ms (p95 per run {string.Join(", ", p95s.Select(x => x.ToString("0.0", CultureInfo.InvariantCulture)))})"));
                    lines.Add(FormattableString.Invariant($"| {store} | {name} | {p50:0.0} ms | {p95:0.0} ms | {string.Join(", ", p95s.Select(x => x.ToString("0.0", CultureInfo.InvariantCulture)))} |"));
                }

                Directory.Delete(dir, recursive: true);
                return string.Join('\n', lines);
            }
        });

        Console.WriteLine();
        Console.WriteLine($"dashboard data pages, {customers:N0} customers and {deltas:N0} VERIFIED deltas in one environment, {requests} sequential requests per page and run, median of {runs} runs");
        Console.WriteLine("| store | page | p50 | p95 | p95 per run |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var report in reports)
        {
            Console.WriteLine(report);
        }

        return 0;
    }

    /// <summary>
    /// Customers <c>cust_0000001</c>… (every third one created with a display name as well); delta j (from 0) belongs to customer
    /// j mod C, is +1, so a customer's running balance is its sequence; entries recorded over this month up to now in log order,
    /// one group commit (a <c>log_marks</c> row) per 100 deltas. Returns the month's start and the span the deltas cover.
    /// </summary>
    private static async Task<(long Start, long Span)> SeedAsync(LocalStack stack, string tenantId, int customers, int n, bool postgres)
    {
        var now = DateTimeOffset.UtcNow;
        var monthStart = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var span = Math.Max(1, now.ToUnixTimeMilliseconds() - 1000 - monthStart);
        string Series(string bound) => postgres
            ? $"SELECT g AS i FROM generate_series(0, {bound} - 1) AS g"
            : $"WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < {bound} - 1) SELECT i FROM s";
        var pad = postgres ? "lpad(CAST(i + 1 AS TEXT), 7, '0')" : "substr('0000000' || (i + 1), -7, 7)";
        var zeroHash = postgres ? "decode(repeat('00', 32), 'hex')" : "zeroblob(32)";
        var at = "(@start + ((i / 100) * 100 * @span) / @n)";
        await using var db = await stack.OpenDatabase(Role.Sandbox).OpenAsync(CancellationToken.None);
        var ledger = await db.ExecuteScalarAsync<long>("SELECT ledger_no FROM tenant_ledgers WHERE tenant_id = @tenantId", new { tenantId });
        var args = new { ledger, start = monthStart, span = (long)span, n, customers };
        await db.ExecuteAsync($"INSERT INTO log_customers (ledger_no, customer_id, first_index, first_at) SELECT @ledger, 'cust_' || {pad}, i, {at} FROM ({Series("@customers")}) AS g",
            args, commandTimeout: 600);
        var first = await db.ExecuteScalarAsync<long>("SELECT MIN(customer_no) FROM log_customers WHERE ledger_no = @ledger", new { ledger });
        await db.ExecuteAsync(
            $"""
            INSERT INTO deltas (ledger_no, log_index, customer_no, amount, customer_seq, prev_index, balance_after, recorded_at, content_hash, reason)
            SELECT @ledger, i, @first + (i % @customers), 1, (i / @customers) + 1, CASE WHEN i < @customers THEN NULL ELSE i - @customers END,
                   (i / @customers) + 1, {at}, {zeroHash}, 'usage'
            FROM ({Series("@n")}) AS g
            """, new { ledger, start = monthStart, span = (long)span, n, customers, first }, commandTimeout: 1200);
        // SQLite keeps the index of each chain's head: customer k's entries are the indexes i ≡ k (mod customers), the last below n.
        if (!postgres)
        {
            await db.ExecuteAsync(
                """
                UPDATE log_customers SET last_index = (customer_no - @first) + @customers * ((@n - 1 - (customer_no - @first)) / @customers)
                WHERE ledger_no = @ledger AND customer_no - @first < @n
                """, new { ledger, n, customers, first }, commandTimeout: 600);
        }

        await db.ExecuteAsync($"INSERT INTO log_marks (ledger_no, recorded_at, first_index) SELECT @ledger, {at}, i FROM ({Series("@n")}) AS g WHERE i % 100 = 0",
            args, commandTimeout: 600);
        await db.ExecuteAsync(
            $"""
            INSERT INTO customer_profiles (ledger_no, customer_id, display_name, unit_label, created_at)
            SELECT @ledger, 'cust_' || {pad}, CASE WHEN i % 2 = 0 THEN 'Acme Supply ' ELSE 'Globex ' END || (i + 1), 'credits', @start
            FROM ({Series("@customers")}) AS g WHERE i % 3 = 0
            """, args, commandTimeout: 600);
        await db.ExecuteAsync("UPDATE tenant_ledgers SET tree_size = @n, next_index = @n, appended_at = @last WHERE ledger_no = @ledger",
            new { n, ledger, last = monthStart + span });
        // A checkpoint of the whole month holding every customer's balance (its proofs are not what is read here, so no tiles).
        await db.ExecuteAsync(
            """
            INSERT INTO checkpoints (checkpoint_id, tenant_id, period, time_preset, window_start, window_end, from_size, to_size, proof_root, prev_root, balances_root,
                                     customer_count, delta_count, net_change, closed_at, created_at, note, statement, signature, consistency)
            VALUES ('chk_bench', @tenantId, 'this month', NULL, @start, @end, 0, @n, @root, @root, @root, @customers, @n, @n, @end, @end,
                    'bench', '{"v":1}', 'bench', '[]')
            """, new { tenantId, start = monthStart, end = monthStart + span, n, customers, root = new string('0', 64) });
        await db.ExecuteAsync(
            $"""
            INSERT INTO checkpoint_balances (checkpoint_id, position, customer_id, customer_seq, last_index, balance)
            SELECT 'chk_bench', i, 'cust_' || {pad}, @n / @customers, i, @n / @customers FROM ({Series("@customers")}) AS g
            """, args, commandTimeout: 600);
        // No ANALYZE: the pages must seek the same way on tables without statistics (SQLite keeps none unless asked).
        return (monthStart, span);
    }

    /// <summary>A client holding the tenant's user's session cookie, as a browser does after the login form.</summary>
    private static async Task<HttpClient> SignedInAsync(LocalStack stack, BenchTenant tenant)
    {
        var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = stack.Url(Role.Dashboard) };
        await using var c = await stack.OpenDatabase(Role.Dashboard).OpenAsync(CancellationToken.None);
        var email = await c.ExecuteScalarAsync<string>("SELECT u.email FROM users u WHERE u.tenant_id = @t", new { t = tenant.TenantId });
        using var login = await http.PostAsJsonAsync("/dashboard/auth/login", new { email, password = "benchmark-password-1" });
        login.EnsureSuccessStatusCode();
        var cookie = login.Headers.GetValues("Set-Cookie").Single(v => v.StartsWith("pacspace_session=", StringComparison.Ordinal)).Split(';')[0];
        http.DefaultRequestHeaders.Add("Cookie", cookie);
        http.DefaultRequestHeaders.Add("Accept", "text/html");
        return http;
    }

    [GeneratedRegex("href=\"(/customers\\?cursor=[^\"]+)\" rel=\"next\"")]
    private static partial Regex NextLink();

    [GeneratedRegex("href=\"/deltas/(rec_[^\"]+)\"")]
    private static partial Regex RecordLink();
}
