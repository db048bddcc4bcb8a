using System.Diagnostics;
using System.Globalization;
using Dapper;
using PacSpace.Cli;

namespace PacSpace.Benchmarks;

// 201 → VERIFIED, measured from the client (VerifiedLatency, shared with the ingest benchmark): deltas are posted at a
// fixed rate (open loop) and the time each 201 arrives is noted; a poller reads GET /api/v1/balance/delta/{recordId}
// of the oldest delta not yet seen VERIFIED about every 2 ms. A sequencer round commits all of its deltas at once, and
// each shows the round's tree size (proof.treeSize): when the oldest turns VERIFIED, the other members of its round are
// found by bisection over the pending deltas and count as VERIFIED from the same moment.
//
//   dotnet run -c Release --project bench/PacSpace.Benchmarks -- verified [--runs 5] [--seconds 5] [--rate 1000] [--store both|sqlite|postgres] [--database "Host=…"]
internal static class VerifiedBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var runs = Cli.Arg(args, "--runs", 5);
        var seconds = Cli.Arg(args, "--seconds", 5);
        var rate = Cli.Arg(args, "--rate", 1000);
        var total = Stopwatch.StartNew();
        var reports = await BenchStack.OnStoresAsync(args, (name, postgres) => RunStoreAsync(name, postgres, runs, seconds, rate, args));
        Console.WriteLine();
        foreach (var report in reports)
        {
            Console.WriteLine(report);
        }

        Console.WriteLine(FormattableString.Invariant($"(whole command: {total.Elapsed.TotalSeconds:0} s)"));
        return 0;
    }

    private static async Task<string> RunStoreAsync(string name, string? postgres, int runs, int seconds, int rate, string[] args)
    {
        var dir = BenchStack.NewDirectory();
        var (stack, tenant) = await BenchStack.StartWithTenantAsync(dir, postgres, args);
        await using var _ = stack;
        var plane = stack.OpenDatabase(Role.Sandbox);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, UseCookies = false }) { BaseAddress = stack.Url(Role.Sandbox) };
        http.DefaultRequestHeaders.Add("X-Api-Key", tenant.Key);

        // Warm-up: the routes, the sequencer and the connection pool.
        await MeasureRunAsync(http, plane, 1, Math.Min(rate, 500), "warm");
        var p50 = new List<double>();
        var p99 = new List<double>();
        var max = new List<double>();
        var server99 = new List<double>();
        var counts = new List<int>();
        for (var run = 1; run <= runs; run++)
        {
            var r = await MeasureRunAsync(http, plane, seconds, rate, $"v{run}");
            p50.Add(ActivationBenchmark.Percentile(r.Latencies, 50));
            p99.Add(ActivationBenchmark.Percentile(r.Latencies, 99));
            max.Add(r.Latencies.Max());
            server99.Add(ActivationBenchmark.Percentile(r.Server, 99));
            counts.Add(r.Latencies.Count);
            Console.WriteLine(FormattableString.Invariant(
                $"{name} run {run}: {r.Latencies.Count} deltas at {rate}/s; 201 → VERIFIED p50 {p50[^1]:0} ms, p99 {p99[^1]:0} ms, max {max[^1]:0} ms; server-side created → verified p99 {server99[^1]:0} ms; {r.Rounds} sequencer rounds"));
        }

        await stack.DisposeAsync();
        Directory.Delete(dir, recursive: true);

        static double M(List<double> v) => ActivationBenchmark.Median(v);
        var w = new StringWriter(CultureInfo.InvariantCulture);
        w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| metric ({name}, median of {runs} runs × {counts.Min()}–{counts.Max()} deltas at {rate:N0}/s) | value |"));
        w.WriteLine("|---|---|");
        w.WriteLine(FormattableString.Invariant($"| 201 → VERIFIED, p50 | {M(p50):0} ms |"));
        w.WriteLine(FormattableString.Invariant($"| **201 → VERIFIED, p99** | **{M(p99):0} ms** |"));
        w.WriteLine(FormattableString.Invariant($"| 201 → VERIFIED, max | {M(max):0} ms |"));
        w.WriteLine(FormattableString.Invariant($"| server-side created → verified (row timestamps), p99 | {M(server99):0} ms |"));
        w.WriteLine();
        w.WriteLine("Per run (p99): " + string.Join(", ", p99.Select(v => v.ToString("0", CultureInfo.InvariantCulture))) + " ms.");
        return w.ToString();
    }

    private sealed record RunResult(List<double> Latencies, List<double> Server, int Rounds);

    private static async Task<RunResult> MeasureRunAsync(HttpClient http, PacSpace.Hosting.Data.Database plane, int seconds, int rate, string prefix)
    {
        var from = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var run = await VerifiedLatency.MeasureAsync(http, seconds, rate, prefix);
        var to = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var latencies = run.Latencies;
        // Server side, for every delta the run wrote (the plane holds this one tenant): its commit time to the signing
        // time of the first head that covers it.
        List<double> server;
        await using (var connection = await plane.OpenAsync(CancellationToken.None))
        {
            server = (await connection.QueryAsync<long>(
                """
                SELECT h.signed_at - d.recorded_at FROM deltas d
                JOIN log_heads h ON h.ledger_no = d.ledger_no AND h.size = (SELECT MIN(x.size) FROM log_heads x WHERE x.ledger_no = d.ledger_no AND x.size > d.log_index)
                WHERE d.recorded_at >= @from AND d.recorded_at <= @to
                """, new { from, to })).Select(v => (double)v).ToList();
        }

        return new RunResult(latencies, server, run.Rounds);
    }
}
