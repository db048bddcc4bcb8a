using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PacSpace.Cli;

namespace PacSpace.Benchmarks;

// Authenticated GET /api/v1/whoami on the Sandbox plane (key parse + checksum, cached key lookup, SHA-256 and
// constant-time compare, per-key token bucket, usage note, envelope) against a bare Kestrel endpoint that
// returns the same JSON, both in this process, measured in the same run by the same load generator (a child
// process, so server allocations and CPU time can be counted on their own).
//
//   dotnet run -c Release --project bench/PacSpace.Benchmarks -- whoami [--runs 5] [--seconds 10] [--connections 16]
internal static class WhoAmIBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var runs = Cli.Arg(args, "--runs", 5);
        var seconds = Cli.Arg(args, "--seconds", 10);
        var connections = Cli.Arg(args, "--connections", 16);

        var dir = BenchStack.NewDirectory();
        // The benchmark measures the authentication path, not the limiter refusing it.
        await using var stack = await BenchStack.StartAsync(dir, null, new Dictionary<string, string>
        {
            ["Plane:RateLimits:free:PermitsPerSecond"] = "1000000",
            ["Plane:RateLimits:free:Burst"] = "1000000",
        });

        var tenant = await BenchTenant.CreateAsync(stack);
        var (key, whoami) = (tenant.Key, tenant.WhoAmI);
        var sandboxUrl = new Uri(stack.Url(Role.Sandbox), "/api/v1/whoami");

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var bare = builder.Build();
        var body = JsonSerializer.SerializeToUtf8Bytes(whoami);
        bare.MapGet("/api/v1/whoami", () => Results.Bytes(body, "application/json; charset=utf-8"));
        await bare.StartAsync();
        var bareUrl = new Uri(new Uri(bare.Urls.First()), "/api/v1/whoami");

        var bareRps = new List<double>();
        var pacRps = new List<double>();
        var ratios = new List<double>();
        var bareAlloc = new List<double>();
        var pacAlloc = new List<double>();
        var bareCpu = new List<double>();
        var pacCpu = new List<double>();
        for (var run = 1; run <= runs; run++)
        {
            // Alternate the order so drift on a shared machine does not favour one side.
            (double Rps, double Alloc, double CpuUs) b, p;
            if (run % 2 == 1)
            {
                b = await MeasureAsync(bareUrl, null, seconds, connections);
                p = await MeasureAsync(sandboxUrl, key, seconds, connections);
            }
            else
            {
                p = await MeasureAsync(sandboxUrl, key, seconds, connections);
                b = await MeasureAsync(bareUrl, null, seconds, connections);
            }

            bareRps.Add(b.Rps);
            pacRps.Add(p.Rps);
            ratios.Add(p.Rps / b.Rps);
            bareAlloc.Add(b.Alloc);
            pacAlloc.Add(p.Alloc);
            bareCpu.Add(b.CpuUs);
            pacCpu.Add(p.CpuUs);
            Console.WriteLine(FormattableString.Invariant(
                $"run {run}: bare {b.Rps:0} req/s ({b.Alloc:0} B/req, {b.CpuUs:0.0} µs CPU/req), whoami {p.Rps:0} req/s ({p.Alloc:0} B/req, {p.CpuUs:0.0} µs CPU/req), ratio {ratios[^1]:0.00}"));
        }

        await bare.StopAsync();
        Console.WriteLine();
        Console.WriteLine(FormattableString.Invariant($"| metric (median of {runs} runs × {seconds} s, {connections} connections, SQLite) | bare Kestrel | PacSpace whoami |"));
        Console.WriteLine("|---|---|---|");
        Console.WriteLine(FormattableString.Invariant($"| throughput | {Med(bareRps):0} req/s | {Med(pacRps):0} req/s |"));
        Console.WriteLine(FormattableString.Invariant($"| ratio whoami / bare (median of per-run ratios) | 1.00 | **{Med(ratios):0.00}** |"));
        Console.WriteLine(FormattableString.Invariant($"| server allocations per request | {Med(bareAlloc):0} B | {Med(pacAlloc):0} B |"));
        Console.WriteLine(FormattableString.Invariant($"| server CPU per request (whole process) | {Med(bareCpu):0.0} µs | {Med(pacCpu):0.0} µs |"));
        await stack.DisposeAsync();
        Directory.Delete(dir, recursive: true);
        return 0;
    }

    private static double Med(List<double> values) => ActivationBenchmark.Median(values);

    /// <summary>Runs the load generator against <paramref name="url"/>; returns requests/s and bytes allocated in this process per request.</summary>
    private static async Task<(double Rps, double Alloc, double CpuUs)> MeasureAsync(Uri url, string? key, int seconds, int connections)
    {
        var start = ChildProcess.Self();
        foreach (var a in new[] { "load", "--url", url.ToString(), "--seconds", seconds.ToString(CultureInfo.InvariantCulture), "--connections", connections.ToString(CultureInfo.InvariantCulture) })
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
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line == "START")
            {
                allocatedAtStart = GC.GetTotalAllocatedBytes(precise: true);
                cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
            }
            else if (line.StartsWith("END ", StringComparison.Ordinal))
            {
                var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedAtStart;
                var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart;
                var parts = line.Split(' ');
                var ok = long.Parse(parts[1], CultureInfo.InvariantCulture);
                var errors = long.Parse(parts[2], CultureInfo.InvariantCulture);
                var elapsed = double.Parse(parts[3], CultureInfo.InvariantCulture);
                await process.WaitForExitAsync();
                if (errors > 0 || ok == 0)
                {
                    throw new InvalidOperationException($"{url}: {ok} ok, {errors} errors");
                }

                return (ok / elapsed, (double)allocated / ok, cpu.TotalMicroseconds / ok);
            }
        }

        throw new InvalidOperationException("The load generator ended without a result.");
    }
}
