using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PacSpace.Cli;
using PacSpace.Hosting.Data;

namespace PacSpace.Benchmarks;

// Durable ingest: POST /api/v1/balance/delta on the Sandbox plane (valid test key, unique referenceIds), answered
// 201 only after the group commit, against a bare Kestrel endpoint in this process that parses the same JSON body
// with System.Text.Json and answers a small JSON. A third server, the durable floor (FloorDeltaEndpoint), is the bare
// endpoint plus the least a durable deduplicated write costs on the same store: a bound for the plane on this machine.
// Per run: closed-loop throughput of the three (same connections, order reversed every other run), then latency at a fixed offered
// rate (open loop) of the plane, the floor and the bare endpoint. Then, on the plane only: the batch route
// (POST /api/v1/balance/delta/batch, 100 deltas per request) as a closed loop on --batch-connections, counted in deltas;
// latency in an open loop at half of the deltas/s the plane answered in this run's single-delta closed loop; and
// 201 → VERIFIED (VerifiedLatency) while single deltas are posted at that same half rate. After the runs, bytes stored
// per delta once the sequencer has caught up. SQLite and PostgreSQL (a throw-away durable server started here, or --database).
//
//   dotnet run -c Release --project bench/PacSpace.Benchmarks -- ingest [--runs 5] [--seconds 4] [--connections 64] [--batch-connections 16] [--rate 15000] [--light-rate 1000] [--store both|sqlite|postgres] [--database "Host=…"]
internal static class IngestBenchmark
{
    /// <summary>Deltas per request of the batch loop: the most the batch route takes.</summary>
    private const int BatchSize = 100;

    public static async Task<int> RunAsync(string[] args)
    {
        var runs = Cli.Arg(args, "--runs", 5);
        var seconds = Cli.Arg(args, "--seconds", 4);
        var warmup = Cli.Arg(args, "--warmup", 1);
        var connections = Cli.Arg(args, "--connections", 64);
        // 16 × 100 = 1,600 deltas in flight, about three of the writer's largest group commits (512 deltas): a full
        // commit is always waiting while the answers of the previous one travel back. The single-delta loop's 64
        // connections would put 6,400 deltas in flight; beyond what keeps the writer full, more in flight only
        // lengthens the queue in front of it (and each request's latency).
        var batchConnections = Cli.Arg(args, "--batch-connections", 16);
        var rate = Cli.Arg(args, "--rate", 15000);
        var lightRate = Cli.Arg(args, "--light-rate", 1000);
        var customers = Cli.Arg(args, "--customers", 1000);
        var load = new LoadShape(seconds, warmup, connections, customers, batchConnections);

        await using var bare = await BareDeltaEndpoint.StartAsync();
        var total = Stopwatch.StartNew();
        var reports = await BenchStack.OnStoresAsync(args, (name, postgres) => RunStoreAsync(name, postgres, runs, rate, lightRate, load, bare.Url, args));
        Console.WriteLine();
        foreach (var report in reports)
        {
            Console.WriteLine(report);
        }

        Console.WriteLine(FormattableString.Invariant($"(whole command: {total.Elapsed.TotalSeconds:0} s)"));
        return 0;
    }

    private static async Task<string> RunStoreAsync(string name, string? postgres, int runs, int rate, int lightRate, LoadShape load, Uri bareUrl, string[] args)
    {
        var dir = BenchStack.NewDirectory();
        var (stack, tenant) = await BenchStack.StartWithTenantAsync(dir, postgres, args);
        await using var _ = stack;
        var plane = stack.OpenDatabase(Role.Sandbox);
        var before = await StorageAsync(plane, tenant.TenantId);
        var url = new Uri(stack.Url(Role.Sandbox), "/api/v1/balance/delta");
        var batchUrl = new Uri(stack.Url(Role.Sandbox), "/api/v1/balance/delta/batch");
        // This process's own client of the plane (the 201 → VERIFIED window and the HTTP-only catch-up waits), as many
        // connections as the open-loop generator may use.
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512, UseCookies = false }) { BaseAddress = stack.Url(Role.Sandbox) };
        http.DefaultRequestHeaders.Add("X-Api-Key", tenant.Key);
        await using var floor = await FloorDeltaEndpoint.StartAsync(Path.Combine(dir, "floor"), postgres);
        var rows = new List<RunRow>();
        for (var run = 1; run <= runs; run++)
        {
            var caughtUp = await WaitCaughtUpAsync(plane);
            Measurement b, f, p;
            if (run % 2 == 1)
            {
                b = await MeasureAsync(bareUrl, null, load, 0, $"b{run}");
                f = await MeasureAsync(floor.Url, null, load, 0, $"f{run}");
                p = await MeasureAsync(url, tenant.Key, load, 0, $"p{run}");
            }
            else
            {
                p = await MeasureAsync(url, tenant.Key, load, 0, $"p{run}");
                f = await MeasureAsync(floor.Url, null, load, 0, $"f{run}");
                b = await MeasureAsync(bareUrl, null, load, 0, $"b{run}");
            }

            var backlog = await WaitCaughtUpAsync(plane);
            var paced = await MeasureAsync(url, tenant.Key, load with { Connections = 512 }, rate, $"r{run}");
            await WaitCaughtUpAsync(plane);
            var light = await MeasureAsync(url, tenant.Key, load with { Connections = 512 }, lightRate, $"l{run}");
            // The same light load on the floor and the bare endpoint: the tail the machine and the generator add on their own.
            var floorLight = await MeasureAsync(floor.Url, null, load with { Connections = 512 }, lightRate, $"fl{run}");
            var bareLight = await MeasureAsync(bareUrl, null, load with { Connections = 512 }, lightRate, $"bl{run}");
            var floorPaced = await MeasureAsync(floor.Url, null, load with { Connections = 512 }, rate, $"fr{run}");
            var barePaced = await MeasureAsync(bareUrl, null, load with { Connections = 512 }, rate, $"br{run}");

            // The plane only, after everything above (which stays as it was): the batch route as a closed loop, then
            // at half of this run's single-delta closed-loop rate an open loop (child generator, as above) and 201 →
            // VERIFIED (deltas posted from this process). The waits here use HTTP only.
            await VerifiedLatency.WaitVerifiedAsync(http, $"w{run}");
            var batch = await MeasureAsync(batchUrl, tenant.Key, load with { Connections = load.BatchConnections }, 0, $"m{run}", BatchSize);
            var batchBacklog = await VerifiedLatency.WaitVerifiedAsync(http, $"w{run}");
            var halfRate = (int)Math.Max(1, Math.Round(p.Rps / 2));
            var half = await MeasureAsync(url, tenant.Key, load with { Connections = 512 }, halfRate, $"h{run}");
            await VerifiedLatency.WaitVerifiedAsync(http, $"w{run}");
            var verified = Verified.Of(await VerifiedLatency.MeasureAsync(http, load.Seconds, halfRate, $"v{run}", load.Customers, load.Warmup));

            var row = new RunRow(b, p, paced, light, backlog, caughtUp, f, floorPaced, barePaced, batch, batchBacklog, halfRate, half, verified, floorLight, bareLight);
            rows.Add(row);
            Console.WriteLine(FormattableString.Invariant(
                $"{name} run {run}: bare {b.Rps:0}/s (at {rate}/s offered: {Paced(barePaced)}), floor {f.Rps:0}/s (ratio {row.FloorRatio:0.00}; {f.CpuUs:0} µs CPU; at {rate}/s offered: {Paced(floorPaced)}), ingest {p.Rps:0}/s (ratio {row.Ratio:0.00}; p50 {p.P50:0.0} ms, p99 {p.P99:0.0} ms; {p.CpuUs:0} µs CPU, {p.Alloc:0} B per delta; machine {p.MachineCpuUs:0} µs CPU per delta, floor {f.MachineCpuUs:0}, bare {b.MachineCpuUs:0}); at {rate}/s offered: {Paced(paced)}; at {lightRate}/s offered: {Paced(light)} (floor p99 {floorLight.P99:0.0} ms, bare p99 {bareLight.P99:0.0} ms); sequencer backlog after the closed loop cleared in {backlog.TotalSeconds:0.0} s; batch of {BatchSize} on {load.BatchConnections} connections {batch.Rps:0} deltas/s (ratio to bare {row.BatchRatio:0.00}, to single-delta ingest {row.BatchToSingle:0.00}; per request p50 {batch.P50:0.0} ms, p99 {batch.P99:0.0} ms; {batch.CpuUs:0} µs CPU, {batch.Alloc:0} B per delta; {batch.Failed} not queued; backlog VERIFIED {batchBacklog.TotalSeconds:0.0} s later); at half of ingest, {halfRate}/s offered: {Paced(half)}; 201 → VERIFIED at {halfRate}/s: {verified.Count} deltas, p50 {verified.P50:0} ms, p99 {verified.P99:0} ms, max {verified.Max:0} ms"));
        }

        var caught = await WaitCaughtUpAsync(plane);
        var storage = (await StorageAsync(plane, tenant.TenantId)).Minus(before);
        Console.WriteLine(FormattableString.Invariant($"{name}: caught up {caught.TotalSeconds:0.0} s after the last run; {storage.Deltas:N0} deltas stored"));

        await stack.DisposeAsync();
        Directory.Delete(dir, recursive: true);
        return Report(name, runs, rate, lightRate, load, rows, storage);
    }

    private static string Report(string name, int runs, int rate, int lightRate, LoadShape load, List<RunRow> rows, Storage storage)
    {
        static double M(IEnumerable<double> values) => ActivationBenchmark.Median(values.ToList());
        var w = new StringWriter(CultureInfo.InvariantCulture);
        w.WriteLine(FormattableString.Invariant($"| metric ({name}, median of {runs} runs; {load.Connections} connections, {load.Warmup} s warm-up + {load.Seconds} s per window) | bare Kestrel | durable floor | PacSpace ingest |"));
        w.WriteLine("|---|---|---|---|");
        w.WriteLine(FormattableString.Invariant($"| throughput, closed loop | {M(rows.Select(r => r.Bare.Rps)):N0} req/s | {M(rows.Select(r => r.Floor.Rps)):N0} rows/s | {M(rows.Select(r => r.Ingest.Rps)):N0} deltas/s |"));
        w.WriteLine(FormattableString.Invariant($"| **ratio to bare** (median of per-run ratios) | 1.00 | **{M(rows.Select(r => r.FloorRatio)):0.00}** | **{M(rows.Select(r => r.Ratio)):0.00}** |"));
        w.WriteLine(FormattableString.Invariant($"| **ratio to the durable floor** (median of per-run ratios) | | 1.00 | **{M(rows.Select(r => r.ToFloor)):0.00}** |"));
        w.WriteLine(FormattableString.Invariant($"| latency in the closed loop, p50 / p99 | {M(rows.Select(r => r.Bare.P50)):0.0} / {M(rows.Select(r => r.Bare.P99)):0.0} ms | {M(rows.Select(r => r.Floor.P50)):0.0} / {M(rows.Select(r => r.Floor.P99)):0.0} ms | {M(rows.Select(r => r.Ingest.P50)):0.0} / {M(rows.Select(r => r.Ingest.P99)):0.0} ms |"));
        w.WriteLine(FormattableString.Invariant($"| server CPU per request (whole process{(name == "SQLite" ? "" : ", without the database server")}) | {M(rows.Select(r => r.Bare.CpuUs)):0} µs | {M(rows.Select(r => r.Floor.CpuUs)):0} µs | {M(rows.Select(r => r.Ingest.CpuUs)):0} µs |"));
        if (rows.All(r => r.Ingest.DatabaseCpuUs is not null))
        {
            w.WriteLine(FormattableString.Invariant($"| database server CPU per request (all its processes) | | {M(rows.Select(r => r.Floor.DatabaseCpuUs!.Value)):0} µs | {M(rows.Select(r => r.Ingest.DatabaseCpuUs!.Value)):0} µs |"));
        }

        w.WriteLine(FormattableString.Invariant($"| load generator CPU per request | {M(rows.Select(r => r.Bare.GeneratorCpuUs)):0} µs | {M(rows.Select(r => r.Floor.GeneratorCpuUs)):0} µs | {M(rows.Select(r => r.Ingest.GeneratorCpuUs)):0} µs |"));
        w.WriteLine(FormattableString.Invariant($"| **all CPU per request** (server + database + generator) / the rate {Environment.ProcessorCount} cores allow at that cost | {M(rows.Select(r => r.Bare.MachineCpuUs)):0} µs / {M(rows.Select(r => Environment.ProcessorCount * 1e6 / r.Bare.MachineCpuUs)):N0}/s | {M(rows.Select(r => r.Floor.MachineCpuUs)):0} µs / {M(rows.Select(r => Environment.ProcessorCount * 1e6 / r.Floor.MachineCpuUs)):N0}/s | **{M(rows.Select(r => r.Ingest.MachineCpuUs)):0} µs** / {M(rows.Select(r => Environment.ProcessorCount * 1e6 / r.Ingest.MachineCpuUs)):N0}/s |"));
        w.WriteLine(FormattableString.Invariant($"| server allocations per request | {M(rows.Select(r => r.Bare.Alloc)):N0} B | {M(rows.Select(r => r.Floor.Alloc)):N0} B | {M(rows.Select(r => r.Ingest.Alloc)):N0} B |"));
        w.WriteLine(FormattableString.Invariant($"| **latency at {rate:N0}/s offered (open loop), p50 / p99** | {Ms(M(rows.Select(r => r.BarePaced.P50)))} / {Ms(M(rows.Select(r => r.BarePaced.P99)))} | {Ms(M(rows.Select(r => r.FloorPaced.P50)))} / {Ms(M(rows.Select(r => r.FloorPaced.P99)))} | {Ms(M(rows.Select(r => r.Paced.P50)))} / **{Ms(M(rows.Select(r => r.Paced.P99)))}** |"));
        w.WriteLine(FormattableString.Invariant($"| runs in which {rate:N0}/s was more than the server could answer (over a second behind) | {Saturation(rows.Select(r => r.BarePaced))} | {Saturation(rows.Select(r => r.FloorPaced))} | {Saturation(rows.Select(r => r.Paced))} |"));
        w.WriteLine(FormattableString.Invariant($"| latency at {lightRate:N0}/s offered (open loop), p50 / p99 / max | {Ms(M(rows.Select(r => r.BareLight.P50)))} / {Ms(M(rows.Select(r => r.BareLight.P99)))} / {Ms(M(rows.Select(r => r.BareLight.Max)))} | {Ms(M(rows.Select(r => r.FloorLight.P50)))} / {Ms(M(rows.Select(r => r.FloorLight.P99)))} / {Ms(M(rows.Select(r => r.FloorLight.Max)))} | {Ms(M(rows.Select(r => r.Light.P50)))} / {Ms(M(rows.Select(r => r.Light.P99)))} / {Ms(M(rows.Select(r => r.Light.Max)))} |"));
        w.WriteLine(FormattableString.Invariant($"| sequencer backlog after the closed-loop window, cleared in | | | {M(rows.Select(r => r.Backlog.TotalSeconds)):0.0} s |"));
        w.WriteLine(FormattableString.Invariant($"| batch route, {BatchSize} deltas per request, closed loop ({load.BatchConnections} connections) | | | {M(rows.Select(r => r.Batch.Rps)):N0} deltas/s |"));
        w.WriteLine(FormattableString.Invariant($"| **batch route, ratio to bare** / to single-delta ingest (median of per-run ratios) | | | **{M(rows.Select(r => r.BatchRatio)):0.00}** / {M(rows.Select(r => r.BatchToSingle)):0.00} |"));
        w.WriteLine(FormattableString.Invariant($"| batch route, latency per request of {BatchSize} in the closed loop, p50 / p99 | | | {M(rows.Select(r => r.Batch.P50)):0.0} / {M(rows.Select(r => r.Batch.P99)):0.0} ms |"));
        w.WriteLine(FormattableString.Invariant($"| batch route, server CPU / allocations per delta | | | {M(rows.Select(r => r.Batch.CpuUs)):0} µs / {M(rows.Select(r => r.Batch.Alloc)):N0} B |"));
        if (rows.All(r => r.Batch.DatabaseCpuUs is not null))
        {
            w.WriteLine(FormattableString.Invariant($"| batch route, database server / load generator CPU per delta | | | {M(rows.Select(r => r.Batch.DatabaseCpuUs!.Value)):0} µs / {M(rows.Select(r => r.Batch.GeneratorCpuUs)):0} µs |"));
        }

        w.WriteLine(FormattableString.Invariant($"| batch route, deltas not queued (all runs) | | | {rows.Sum(r => r.Batch.Failed):N0} |"));
        w.WriteLine(FormattableString.Invariant($"| **latency at half the closed-loop rate ({M(rows.Select(r => (double)r.HalfRate)):N0}/s offered, open loop), p50 / p99** | | | {Ms(M(rows.Select(r => r.Half.P50)))} / **{Ms(M(rows.Select(r => r.Half.P99)))}** |"));
        w.WriteLine(FormattableString.Invariant($"| runs in which half the closed-loop rate was more than the server could answer (over a second behind) | | | {Saturation(rows.Select(r => r.Half))} |"));
        w.WriteLine(FormattableString.Invariant($"| **201 → VERIFIED at half the closed-loop rate, p50 / p99** / max ({rows.Min(r => r.Verified.Count):N0}–{rows.Max(r => r.Verified.Count):N0} deltas per run) | | | {M(rows.Select(r => r.Verified.P50)):0} / **{M(rows.Select(r => r.Verified.P99)):0}** / {M(rows.Select(r => r.Verified.Max)):0} ms |"));
        w.WriteLine(FormattableString.Invariant($"| **bytes stored per delta** ({storage.Deltas:N0} deltas, all VERIFIED) | | | **{storage.Total / (double)storage.Deltas:0} B** |"));
        w.WriteLine(name == "SQLite"
            ? FormattableString.Invariant($"| of which tile hashes / everything else (deltas, indexes, chain heads, page overhead) | | | {storage.Tiles / (double)storage.Deltas:0.0} / {storage.DeltaTable / (double)storage.Deltas:0} B |")
            : FormattableString.Invariant($"| of which deltas table with its indexes / log tiles / customer chain heads | | | {storage.DeltaTable / (double)storage.Deltas:0} / {storage.Tiles / (double)storage.Deltas:0.0} / {storage.Customers / (double)storage.Deltas:0.0} B |"));
        w.WriteLine();
        w.WriteLine("Per run (ingest to floor): " + string.Join(", ", rows.Select(r => r.ToFloor.ToString("0.00", CultureInfo.InvariantCulture))) + ".");
        w.WriteLine("Per run (floor ratio): " + string.Join(", ", rows.Select(r => r.FloorRatio.ToString("0.00", CultureInfo.InvariantCulture))) + ".");
        w.WriteLine($"Per run (p99 at {rate.ToString("N0", CultureInfo.InvariantCulture)}/s, bare / floor): " + string.Join(", ", rows.Select(r => Ms(r.BarePaced.P99) + " / " + Ms(r.FloorPaced.P99))) + ".");
        w.WriteLine("Per run (ratio): " + string.Join(", ", rows.Select(r => r.Ratio.ToString("0.00", CultureInfo.InvariantCulture))) + ".");
        w.WriteLine("Per run (ingest deltas/s): " + string.Join(", ", rows.Select(r => r.Ingest.Rps.ToString("N0", CultureInfo.InvariantCulture))) + ".");
        w.WriteLine($"Per run (p99 at {rate.ToString("N0", CultureInfo.InvariantCulture)}/s): " + string.Join(", ", rows.Select(r => Ms(r.Paced.P99))) + ".");
        w.WriteLine($"Per run (p99 at {lightRate.ToString("N0", CultureInfo.InvariantCulture)}/s, bare / floor / ingest): " + string.Join(", ", rows.Select(r => Ms(r.BareLight.P99) + " / " + Ms(r.FloorLight.P99) + " / " + Ms(r.Light.P99))) + ".");
        w.WriteLine("Per run (batch route deltas/s, ratio to bare / to single-delta ingest): " + string.Join(", ", rows.Select(r =>
            FormattableString.Invariant($"{r.Batch.Rps:N0} ({r.BatchRatio:0.00} / {r.BatchToSingle:0.00})"))) + ".");
        w.WriteLine("Per run (half the closed-loop rate offered: p50 / p99): " + string.Join(", ", rows.Select(r =>
            FormattableString.Invariant($"{r.HalfRate:N0}/s: {Ms(r.Half.P50)} / {Ms(r.Half.P99)}"))) + ".");
        w.WriteLine("Per run (201 → VERIFIED p99 at half the closed-loop rate): " + string.Join(", ", rows.Select(r => r.Verified.P99.ToString("0", CultureInfo.InvariantCulture))) + " ms.");
        return w.ToString();
    }

    /// <summary>Waits until no delta is QUEUED (signed heads cover every committed delta); returns how long that took.</summary>
    internal static async Task<TimeSpan> WaitCaughtUpAsync(Database plane)
    {
        var started = Stopwatch.GetTimestamp();
        await using var connection = await plane.OpenAsync(CancellationToken.None);
        while (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM tenant_ledgers WHERE next_index > tree_size") > 0)
        {
            if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromMinutes(5))
            {
                throw new InvalidOperationException("The sequencer did not catch up within 5 minutes.");
            }

            await Task.Delay(20);
        }

        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>Space used by the deltas table (with its indexes), the log tiles and the customer chain heads.</summary>
    private static async Task<Storage> StorageAsync(Database plane, string tenantId)
    {
        await using var connection = await plane.OpenAsync(CancellationToken.None);
        var deltas = await connection.ExecuteScalarAsync<long>("SELECT next_index FROM tenant_ledgers WHERE tenant_id = @tenantId", new { tenantId });
        if (plane.Provider == DbProvider.Postgres)
        {
            // The deltas with their indexes, plus what the log keeps per commit and per signed head (marks, heads).
            var sizes = await connection.QuerySingleAsync<(long, long, long)>(
                """
                SELECT pg_total_relation_size('deltas') + pg_total_relation_size('log_marks') + pg_total_relation_size('log_heads'),
                       pg_total_relation_size('log_tiles'), pg_total_relation_size('log_customers')
                """);
            return new Storage(deltas, sizes.Item1, sizes.Item2, sizes.Item3);
        }

        // The bundled SQLite has no dbstat table: the file's used pages (the caller subtracts what they were before the
        // first run), of which the tile hashes are counted apart.
        await connection.ExecuteAsync("PRAGMA wal_checkpoint(TRUNCATE)");
        var used = await connection.ExecuteScalarAsync<long>("SELECT (page_count - freelist_count) * page_size FROM pragma_page_count(), pragma_freelist_count(), pragma_page_size()");
        var tiles = await connection.ExecuteScalarAsync<long>("SELECT COALESCE(SUM(LENGTH(hashes)), 0) FROM log_tiles WHERE tenant_id = @tenantId", new { tenantId });
        return new Storage(deltas, used - tiles, tiles, 0);
    }

    /// <summary>Runs the delta load generator against <paramref name="url"/> (open loop when <paramref name="rate"/> &gt; 0).</summary>
    /// <remarks>With <paramref name="batch"/> &gt; 1 each request carries that many deltas (the batch route): rates and costs are
    /// per delta, latencies per request, and deltas not queued are counted in <see cref="Measurement.Failed"/> instead of
    /// failing the measurement. <paramref name="onStart"/> and <paramref name="onEnd"/>, when given, run as the generator
    /// reports the window's start and its end (in the open loop: once the last request is answered).</remarks>
    /// <param name="other">A second server process whose CPU time over the same window is reported per request in
    /// <see cref="Measurement.OtherCpuUs"/> (the one origin's proxy, run apart from the planes).</param>
    internal static async Task<Measurement> MeasureAsync(Uri url, string? key, LoadShape load, int rate, string prefix, int batch = 1, Process? other = null,
        Func<Task>? onStart = null, Func<Task>? onEnd = null)
    {
        var start = ChildProcess.Self();
        foreach (var a in new[]
        {
            "delta-load", "--url", url.ToString(), "--seconds", Inv(load.Seconds), "--warmup", Inv(load.Warmup), "--connections", Inv(load.Connections),
            "--rate", Inv(rate), "--customers", Inv(load.Customers), "--prefix", prefix + "-" + Guid.NewGuid().ToString("N")[..6], "--parent", Inv(Environment.ProcessId),
            "--batch", Inv(batch),
        })
        {
            start.ArgumentList.Add(a);
        }

        if (key is not null)
        {
            start.ArgumentList.Add("--key");
            start.ArgumentList.Add(key);
        }

        using var process = Process.Start(start)!;
        long allocatedAtStart = 0;
        var cpuAtStart = TimeSpan.Zero;
        long allocated = 0;
        var cpu = TimeSpan.Zero;
        var otherAtStart = TimeSpan.Zero;
        var otherCpu = TimeSpan.Zero;
        TimeSpan? databaseAtStart = null, databaseCpu = null;
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line == "START")
            {
                allocatedAtStart = GC.GetTotalAllocatedBytes(precise: true);
                cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
                databaseAtStart = DatabaseCpu.Read();
                if (other is not null)
                {
                    other.Refresh();
                    otherAtStart = other.TotalProcessorTime;
                }

                if (onStart is not null)
                {
                    await onStart();
                }
            }
            else if (line.StartsWith("END ", StringComparison.Ordinal))
            {
                // Closed loop: the window ends with this line. Open loop: it also covers the late answers.
                allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedAtStart;
                cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart;
                databaseCpu = DatabaseCpu.Read() - databaseAtStart;
                if (other is not null)
                {
                    other.Refresh();
                    otherCpu = other.TotalProcessorTime - otherAtStart;
                }

                if (onEnd is not null)
                {
                    await onEnd();
                }

                var parts = line.Split(' ').Skip(1).Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
                await process.WaitForExitAsync();
                var (ok, errors, elapsed, saturated) = ((long)parts[0], (long)parts[1], parts[2], parts[7]);
                if ((errors > 0 && batch == 1) || (ok == 0 && saturated < 0))
                {
                    throw new InvalidOperationException($"{url}: {ok} ok, {errors} errors");
                }

                // A rate the server could not keep up with has no meaningful percentiles: infinitely late.
                return saturated >= 0
                    ? new Measurement(ok / elapsed, double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity, 0, 0, saturated, errors)
                    : new Measurement(ok / elapsed, parts[3], parts[4], parts[5], parts[6], cpu.TotalMicroseconds / Math.Max(ok, 1), (double)allocated / Math.Max(ok, 1), -1, errors,
                        otherCpu.TotalMicroseconds / Math.Max(ok, 1), databaseCpu?.TotalMicroseconds / Math.Max(ok, 1), parts[8] / Math.Max(ok, 1));
            }
        }

        throw new InvalidOperationException("The load generator ended without a result.");
    }

    private static string Inv(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Paced(Measurement m) => m.Saturated
        ? FormattableString.Invariant($"saturated after {m.SaturatedAfter:0.0} s (over a second of requests behind; {m.Rps:0}/s answered)")
        : FormattableString.Invariant($"{m.Rps:0}/s answered, p50 {m.P50:0.0} ms, p99 {m.P99:0.0} ms, p99.9 {m.P999:0.0} ms, max {m.Max:0} ms");

    /// <summary>"k of n" runs saturated, with the median rate answered meanwhile when any was.</summary>
    private static string Saturation(IEnumerable<Measurement> runs)
    {
        var all = runs.ToList();
        var saturated = all.Where(m => m.Saturated).Select(m => m.Rps).ToList();
        return FormattableString.Invariant($"{saturated.Count} of {all.Count}") +
            (saturated.Count == 0 ? "" : FormattableString.Invariant($"; answered {ActivationBenchmark.Median(saturated):N0}/s meanwhile"));
    }

    private static string Ms(double value) => double.IsPositiveInfinity(value) ? "saturated" : value.ToString("0.0", CultureInfo.InvariantCulture) + " ms";

    internal sealed record LoadShape(int Seconds, int Warmup, int Connections, int Customers, int BatchConnections = 16);

    /// <param name="Failed">Deltas not queued; only the batch loop tolerates any.</param>
    /// <param name="OtherCpuUs">CPU per request of the second process given to <see cref="MeasureAsync"/>, if any.</param>
    /// <param name="DatabaseCpuUs">CPU per request of the PostgreSQL server the benchmark started (null for SQLite or a given server).</param>
    /// <param name="GeneratorCpuUs">CPU per request of the load generator (a child process on the same cores).</param>
    internal sealed record Measurement(double Rps, double P50, double P99, double P999, double Max, double CpuUs, double Alloc, double SaturatedAfter, long Failed = 0, double OtherCpuUs = 0,
        double? DatabaseCpuUs = null, double GeneratorCpuUs = 0)
    {
        /// <summary>All CPU per request on the machine: server process, database server, load generator.</summary>
        public double MachineCpuUs => CpuUs + (DatabaseCpuUs ?? 0) + GeneratorCpuUs;

        public bool Saturated => SaturatedAfter >= 0;
    }

    /// <summary>201 → VERIFIED of one window, in ms.</summary>
    private sealed record Verified(int Count, double P50, double P99, double Max)
    {
        public static Verified Of(VerifiedLatency.Run run) => run.Latencies.Count == 0
            ? throw new InvalidOperationException("No delta was followed to VERIFIED.")
            : new(run.Latencies.Count, ActivationBenchmark.Percentile(run.Latencies, 50), ActivationBenchmark.Percentile(run.Latencies, 99), run.Latencies.Max());
    }

    private sealed record RunRow(Measurement Bare, Measurement Ingest, Measurement Paced, Measurement Light, TimeSpan Backlog, TimeSpan CaughtUp, Measurement Floor, Measurement FloorPaced, Measurement BarePaced,
        Measurement Batch, TimeSpan BatchBacklog, int HalfRate, Measurement Half, Verified Verified, Measurement FloorLight, Measurement BareLight)
    {
        public double Ratio => Ingest.Rps / Bare.Rps;

        public double FloorRatio => Floor.Rps / Bare.Rps;

        public double ToFloor => Ingest.Rps / Floor.Rps;

        public double BatchRatio => Batch.Rps / Bare.Rps;

        public double BatchToSingle => Batch.Rps / Ingest.Rps;
    }

    private sealed record Storage(long Deltas, long DeltaTable, long Tiles, long Customers)
    {
        public long Total => DeltaTable + Tiles + Customers;

        public Storage Minus(Storage b) => new(Deltas - b.Deltas, DeltaTable - b.DeltaTable, Tiles - b.Tiles, Customers - b.Customers);
    }
}

/// <summary>The baseline: a bare Kestrel endpoint (slim builder, one route) that parses the delta body with System.Text.Json and answers a small JSON.</summary>
internal sealed class BareDeltaEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BareDeltaEndpoint(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public static async Task<BareDeltaEndpoint> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapPost("/api/v1/balance/delta", async (HttpRequest request, CancellationToken ct) =>
        {
            using var body = await JsonDocument.ParseAsync(request.Body, default, ct);
            var root = body.RootElement;
            var delta = new BareAnswer(root.GetProperty("referenceId").GetString()!, root.GetProperty("customerId").GetString()!, root.GetProperty("delta").GetInt64(), "QUEUED");
            return Results.Json(delta, BareJson.Default.BareAnswer, statusCode: 201);
        });
        await app.StartAsync();
        return new BareDeltaEndpoint(app, new Uri(new Uri(app.Urls.First()), "/api/v1/balance/delta"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

internal sealed record BareAnswer(string ReferenceId, string CustomerId, long Delta, string Status);

[System.Text.Json.Serialization.JsonSerializable(typeof(BareAnswer))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class BareJson : System.Text.Json.Serialization.JsonSerializerContext;
