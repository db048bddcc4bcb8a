using System.Diagnostics;
using System.Globalization;
using PacSpace.Cli;
using static PacSpace.Benchmarks.IngestBenchmark;

namespace PacSpace.Benchmarks;

// The one origin: single-delta ingest (POST /api/v1/balance/delta, valid test key, unique referenceIds, the ingest
// benchmark's load generator and shape) sent through the control plane's /api/v1 forwarding, against the same traffic
// straight to the Sandbox plane, in the same run, order reversed every other run. The proxy is a control plane of its own,
// in a child process (`one-origin-proxy`: the dashboard role of the same installation, its background workers off), so its
// CPU time is its own: read from the OS for that process over each measured window and divided by the requests answered.
// The planes run in this process; everything (load generator, proxy, planes, database) shares this machine's cores.
// The proxy forwards over HTTP/2 to the planes' one-origin listeners, as `up` does; --http1 makes it use HTTP/1.1 to the
// planes' own ports instead (the hop without Plane:OneOriginUrl), for comparison.
//
//   dotnet run -c Release --project bench/PacSpace.Benchmarks -- one-origin [--runs 5] [--seconds 4] [--connections 64] [--store both|sqlite|postgres] [--http1] [--database "Host=…"]
internal static class OneOriginBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var runs = Cli.Arg(args, "--runs", 5);
        var load = new LoadShape(Cli.Arg(args, "--seconds", 4), Cli.Arg(args, "--warmup", 1), Cli.Arg(args, "--connections", 64), Cli.Arg(args, "--customers", 1000));
        var total = Stopwatch.StartNew();
        var reports = await BenchStack.OnStoresAsync(args, (name, postgres) => RunStoreAsync(name, postgres, runs, load, args));
        Console.WriteLine();
        foreach (var report in reports)
        {
            Console.WriteLine(report);
        }

        Console.WriteLine(FormattableString.Invariant($"(whole command: {total.Elapsed.TotalSeconds:0} s)"));
        return 0;
    }

    private static async Task<string> RunStoreAsync(string name, string? postgres, int runs, LoadShape load, string[] args)
    {
        var dir = BenchStack.NewDirectory();
        var (stack, tenant) = await BenchStack.StartWithTenantAsync(dir, postgres, args);
        await using var _ = stack;
        var plane = stack.OpenDatabase(Role.Sandbox);
        using var proxy = await StartProxyAsync(stack, dir, args.Contains("--http1"));
        var direct = new Uri(stack.Url(Role.Sandbox), "/api/v1/balance/delta");
        var origin = new Uri(proxy.Url, "/api/v1/balance/delta");
        // The proxy process is new: one unmeasured window on each path first, so its code is jitted and tiered up as the
        // planes' code (warm from setting the tenant up) already is.
        var warmUp = load with { Seconds = 3 };
        await MeasureAsync(origin, tenant.Key, warmUp, 0, "wo", other: proxy.Process);
        await WaitCaughtUpAsync(plane);
        await MeasureAsync(direct, tenant.Key, warmUp, 0, "wd");
        var rows = new List<(Measurement Direct, Measurement Origin)>();
        for (var run = 1; run <= runs; run++)
        {
            Measurement d, o;
            await WaitCaughtUpAsync(plane);
            if (run % 2 == 1)
            {
                d = await MeasureAsync(direct, tenant.Key, load, 0, $"d{run}");
                await WaitCaughtUpAsync(plane);
                o = await MeasureAsync(origin, tenant.Key, load, 0, $"o{run}", other: proxy.Process);
            }
            else
            {
                o = await MeasureAsync(origin, tenant.Key, load, 0, $"o{run}", other: proxy.Process);
                await WaitCaughtUpAsync(plane);
                d = await MeasureAsync(direct, tenant.Key, load, 0, $"d{run}");
            }

            rows.Add((d, o));
            Console.WriteLine(FormattableString.Invariant(
                $"{name} run {run}: straight to the plane {d.Rps:0}/s (p50 {d.P50:0.0} ms, p99 {d.P99:0.0} ms; planes {d.CpuUs:0} µs CPU), through the one origin {o.Rps:0}/s (ratio {o.Rps / d.Rps:0.00}; p50 {o.P50:0.0} ms, p99 {o.P99:0.0} ms; planes {o.CpuUs:0} µs CPU, proxy {o.OtherCpuUs:0.0} µs CPU per request)"));
        }

        await WaitCaughtUpAsync(plane);
        await stack.DisposeAsync();
        Directory.Delete(dir, recursive: true);

        static double M(IEnumerable<double> values) => ActivationBenchmark.Median(values.ToList());
        var w = new StringWriter(CultureInfo.InvariantCulture);
        w.WriteLine(FormattableString.Invariant($"| metric ({name}, median of {runs} runs; {load.Connections} connections, {load.Warmup} s warm-up + {load.Seconds} s per window) | straight to the plane | through the one origin |"));
        w.WriteLine("|---|---|---|");
        w.WriteLine(FormattableString.Invariant($"| single-delta ingest, closed loop | {M(rows.Select(r => r.Direct.Rps)):N0} deltas/s | {M(rows.Select(r => r.Origin.Rps)):N0} deltas/s |"));
        w.WriteLine(FormattableString.Invariant($"| **ratio** (median of per-run ratios; target ≥ 0.6) | 1.00 | **{M(rows.Select(r => r.Origin.Rps / r.Direct.Rps)):0.00}** |"));
        w.WriteLine(FormattableString.Invariant($"| latency, p50 / p99 | {M(rows.Select(r => r.Direct.P50)):0.0} / {M(rows.Select(r => r.Direct.P99)):0.0} ms | {M(rows.Select(r => r.Origin.P50)):0.0} / {M(rows.Select(r => r.Origin.P99)):0.0} ms |"));
        w.WriteLine(FormattableString.Invariant($"| planes' process CPU per request{(name == "SQLite" ? "" : " (without the database server)")} | {M(rows.Select(r => r.Direct.CpuUs)):0} µs | {M(rows.Select(r => r.Origin.CpuUs)):0} µs |"));
        w.WriteLine(FormattableString.Invariant($"| **proxy process CPU per forwarded request** (target ≤ 50 µs) | | **{M(rows.Select(r => r.Origin.OtherCpuUs)):0.0} µs** |"));
        w.WriteLine();
        w.WriteLine("Per run (ratio): " + string.Join(", ", rows.Select(r => (r.Origin.Rps / r.Direct.Rps).ToString("0.00", CultureInfo.InvariantCulture))) + ".");
        w.WriteLine("Per run (proxy µs CPU per request): " + string.Join(", ", rows.Select(r => r.Origin.OtherCpuUs.ToString("0.0", CultureInfo.InvariantCulture))) + ".");
        return w.ToString();
    }

    /// <summary>Starts <c>one-origin-proxy</c> for <paramref name="stack"/>'s installation and waits until it serves.</summary>
    private static async Task<ProxyProcess> StartProxyAsync(LocalStack stack, string dir, bool http1)
    {
        var port = LocalStack.FreePort("127.0.0.1");
        var start = ChildProcess.Self();
        start.RedirectStandardInput = true;
        foreach (var a in new[]
        {
            "one-origin-proxy", "--data", dir, "--port", Inv(port),
            "--sandbox-port", Inv(stack.Ports[Role.Sandbox]), "--production-port", Inv(stack.Ports[Role.Production]),
            // The planes' HTTP/2 listeners for the one origin (picked free by the parent's stack); empty: HTTP/1.1 to their ports.
            "--sandbox-one-origin", http1 ? "" : stack.Root["Planes:Sandbox:OneOriginUrl"] ?? "",
            "--production-one-origin", http1 ? "" : stack.Root["Planes:Production:OneOriginUrl"] ?? "",
        })
        {
            start.ArgumentList.Add(a);
        }

        if (stack.Options.Database is { } database)
        {
            start.ArgumentList.Add("--database");
            start.ArgumentList.Add(database);
        }

        var process = Process.Start(start)!;
        var line = await process.StandardOutput.ReadLineAsync();
        if (line is null || !line.StartsWith("READY ", StringComparison.Ordinal))
        {
            process.Kill();
            throw new InvalidOperationException("The one-origin proxy did not start: " + line);
        }

        return new ProxyProcess(process, new Uri(line["READY ".Length..]));
    }

    /// <summary>
    /// The child: the dashboard role of the installation in <c>--data</c> (same secrets file, same control database) on
    /// <c>--port</c>, forwarding to the planes on the given ports, without the workers the parent's control plane already
    /// runs. Prints <c>READY &lt;url&gt;</c> and serves until its standard input closes (the parent ended or let it go).
    /// </summary>
    public static async Task<int> ProxyAsync(string[] args)
    {
        var options = new StackOptions
        {
            DataDirectory = Cli.Text(args, "--data")!,
            Database = Cli.Text(args, "--database"),
            DashboardPort = Cli.Arg(args, "--port", 0),
            SandboxPort = Cli.Arg(args, "--sandbox-port", 5081),
            ProductionPort = Cli.Arg(args, "--production-port", 5082),
        };
        options.Overrides["Logging:LogLevel:Default"] = "Warning";
        options.Overrides["Planes:Sandbox:OneOriginUrl"] = Cli.Text(args, "--sandbox-one-origin") ?? "";
        options.Overrides["Planes:Production:OneOriginUrl"] = Cli.Text(args, "--production-one-origin") ?? "";
        foreach (var section in new[] { "Provisioning", "KeySync", "WebhookSync" })
        {
            options.Overrides[section + ":WorkerEnabled"] = "false";
        }

        await using var stack = LocalStack.Create(options);
        await stack.StartAsync(Role.Dashboard, CancellationToken.None);
        Console.WriteLine("READY " + stack.Url(Role.Dashboard));
        while (await Console.In.ReadLineAsync() is not null)
        {
        }

        return 0;
    }

    private static string Inv(int value) => value.ToString(CultureInfo.InvariantCulture);

    private sealed record ProxyProcess(Process Process, Uri Url) : IDisposable
    {
        public void Dispose()
        {
            Process.StandardInput.Close();
            if (!Process.WaitForExit(5000))
            {
                Process.Kill();
            }

            Process.Dispose();
        }
    }
}
