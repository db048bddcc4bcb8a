using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using PacSpace.Cli;
using PacSpace.Hosting.Data;

namespace PacSpace.Benchmarks;

// Webhook delivery under ingest: what one subscribed endpoint costs the plane's single-delta ingest, and how fast the
// plane delivers while it ingests. Per run, on the Sandbox plane of the `pacspace up` composition (one tenant on a paid
// plan, its key's rate limit lifted, as for `ingest`):
//   1. the saturated single-delta rate, as `ingest` finds it (closed loop, 64 connections, 1 s warm-up + 4 s window, no
//      endpoint enabled); the offered rate of this run is half of it. The same closed loop also runs with the endpoint
//      enabled (order alternating), for the loss at saturation;
//   2. an open loop at that rate (child-process generator, latency from each request's due time, as `ingest`) with no
//      enabled endpoint;
//   3. the same open loop with one endpoint enabled (created once through the Dashboard API, subscribed to
//      delta.verified only, pointing to a receiver in a child process that answers 200 at once), and the deliveries
//      the receiver counts while the loop runs and until every delta of the arm has arrived (the drain);
//   4. a backlog posted at once through the batch route (--burst deltas, 100 per request) with the endpoint enabled and
//      no other load, and the rate at which it drains: what the dispatcher delivers when ingest does not compete.
// Arms with and without the endpoint alternate order from run to run; each starts once the head signer has caught up, so
// no delta of one arm is verified in the other. The endpoint is enabled and disabled through the Dashboard API (PATCH),
// and each arm waits until the plane has the change; after an arm with the endpoint, every delivery is closed before the
// next arm starts.
//
//   dotnet run -c Release --project bench/PacSpace.Benchmarks -- webhooks [--runs 5] [--seconds 8] [--saturation-seconds 4] [--connections 64] [--burst 10000] [--drain-timeout 300] [--store both|sqlite|postgres] [--database "Host=…"] [--set Key=Value]
internal static class WebhookBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var runs = Cli.Arg(args, "--runs", 5);
        var options = new Options(
            Seconds: Cli.Arg(args, "--seconds", 8),
            Warmup: Cli.Arg(args, "--warmup", 1),
            SaturationSeconds: Cli.Arg(args, "--saturation-seconds", 4),
            Connections: Cli.Arg(args, "--connections", 64),
            Customers: Cli.Arg(args, "--customers", 1000),
            DrainTimeout: TimeSpan.FromSeconds(Cli.Arg(args, "--drain-timeout", 300)),
            Burst: Cli.Arg(args, "--burst", 10000));
        var total = Stopwatch.StartNew();
        await using var receiver = await WebhookReceiverChild.StartAsync();
        var results = new List<(string Name, List<RunRow> Rows)>();
        await BenchStack.OnStoresAsync(args, async (name, postgres) =>
        {
            results.Add((name, await RunStoreAsync(name, postgres, runs, options, receiver, args)));
            return name;
        });
        Console.WriteLine();
        Console.WriteLine(Report(runs, options, results));
        Console.WriteLine(FormattableString.Invariant($"(whole command: {total.Elapsed.TotalSeconds:0} s)"));
        return 0;
    }

    private static async Task<List<RunRow>> RunStoreAsync(string name, string? postgres, int runs, Options o, WebhookReceiverChild receiver, string[] args)
    {
        var dir = BenchStack.NewDirectory();
        var (stack, tenant) = await BenchStack.StartWithTenantAsync(dir, postgres, args);
        await using var _ = stack;
        var plane = stack.OpenDatabase(Role.Sandbox);
        var url = new Uri(stack.Url(Role.Sandbox), "/api/v1/balance/delta");
        using var dashboard = new HttpClient { BaseAddress = stack.Url(Role.Dashboard) };
        dashboard.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tenant.DashboardToken);
        var endpointId = await CreateEndpointAsync(dashboard, plane, receiver.Url);
        await SetEnabledAsync(dashboard, plane, endpointId, false);

        var closedLoop = new IngestBenchmark.LoadShape(o.SaturationSeconds, o.Warmup, o.Connections, o.Customers);
        var openLoop = new IngestBenchmark.LoadShape(o.Seconds, o.Warmup, 512, o.Customers);
        var rows = new List<RunRow>();
        for (var run = 1; run <= runs; run++)
        {
            // The saturated rate without and with the endpoint (closed loops, in alternating order), then the open loops at
            // half of the rate without it (alternating too).
            IngestBenchmark.Measurement? saturated = null;
            WithEndpoint? saturatedWith = null;
            foreach (var enabled in run % 2 == 1 ? new[] { false, true } : [true, false])
            {
                await IngestBenchmark.WaitCaughtUpAsync(plane);
                if (enabled)
                {
                    saturatedWith = await WithEndpointAsync(dashboard, plane, tenant, endpointId, receiver, url, closedLoop, 0, $"se{run}", o.DrainTimeout);
                }
                else
                {
                    saturated = await IngestBenchmark.MeasureAsync(url, tenant.Key, closedLoop, 0, $"s{run}");
                }
            }

            var rate = (int)Math.Max(1, Math.Round(saturated!.Rps / 2));
            IngestBenchmark.Measurement? without = null;
            WithEndpoint? with = null;
            foreach (var enabled in run % 2 == 1 ? new[] { false, true } : [true, false])
            {
                await IngestBenchmark.WaitCaughtUpAsync(plane);
                if (enabled)
                {
                    with = await WithEndpointAsync(dashboard, plane, tenant, endpointId, receiver, url, openLoop, rate, $"e{run}", o.DrainTimeout);
                }
                else
                {
                    without = await IngestBenchmark.MeasureAsync(url, tenant.Key, openLoop, rate, $"n{run}");
                }
            }

            // Delivery capacity without ingest: a backlog posted at once through the batch route, then drained.
            var burst = o.Burst > 0 ? await BurstAsync(dashboard, plane, new Uri(stack.Url(Role.Sandbox), "/api/v1/balance/delta/batch"), tenant, endpointId, receiver, o.Burst, o.Customers, $"b{run}", o.DrainTimeout) : null;
            var row = new RunRow(saturated, saturatedWith!, rate, without!, with!, burst);
            rows.Add(row);
            Console.WriteLine(FormattableString.Invariant(
                $"{name} run {run} ({(run % 2 == 1 ? "without first" : "with first")}): saturated {saturated.Rps:0}/s ({saturated.CpuUs:0} µs CPU per delta), with endpoint {row.SaturatedWith.Ingest.Rps:0}/s ({row.SaturatedWith.Ingest.CpuUs:0} µs; loss {row.SaturatedLossPercent:0.0} %; {row.SaturatedWith.DuringRate:0} deliveries/s meanwhile, {row.SaturatedWith.Expected} events drained {row.SaturatedWith.DrainSeconds:0.0} s later); offered {rate}/s; without endpoint {Paced(row.Without)}, {row.Without.CpuUs:0} µs CPU per delta; with endpoint {Paced(row.With.Ingest)}, {row.With.Ingest.CpuUs:0} µs CPU per delta; loss {row.LossPercent:0.0} %; deliveries {row.With.DuringRate:0}/s while ingest ran, backlog {row.With.BacklogAtEnd} at its end, drained in {row.With.DrainSeconds:0.0} s ({Drain(row.With)}); {row.With.Expected} deltas, {row.With.Stats.Requests} requests, {row.With.Stats.Distinct} distinct events, {row.With.Undelivered} not delivered, {row.With.Retried} retried; lag signed → received p50 {row.With.Stats.LagP50:0} ms, p99 {row.With.Stats.LagP99:0} ms, max {row.With.Stats.LagMax:0} ms; commit → received p50 {row.With.Stats.CommitLagP50:0} ms, p99 {row.With.Stats.CommitLagP99:0} ms; per second: {string.Join(' ', row.With.Stats.PerSecond)}{Burst(row.Burst)}"));
        }

        await stack.DisposeAsync();
        Directory.Delete(dir, recursive: true);
        return rows;
    }

    /// <summary>
    /// One open-loop window with the endpoint enabled: deliveries counted at the window's start and end, then until every
    /// delta the arm committed has arrived (or the drain timeout); the endpoint is disabled again and every open delivery
    /// closed before this returns.
    /// </summary>
    private static async Task<WithEndpoint> WithEndpointAsync(HttpClient dashboard, Database plane, BenchTenant tenant, string endpointId, WebhookReceiverChild receiver,
        Uri url, IngestBenchmark.LoadShape load, int rate, string prefix, TimeSpan drainTimeout)
    {
        await SetEnabledAsync(dashboard, plane, endpointId, true);
        var (attemptsBefore, failedBefore) = await AttemptsAsync(plane);
        await receiver.ResetAsync();
        var before = await NextIndexAsync(plane, tenant.TenantId);
        long startTicks = 0, endTicks = 0, atStart = 0, atEnd = 0;
        var ingest = await IngestBenchmark.MeasureAsync(url, tenant.Key, load, rate, prefix,
            onStart: async () =>
            {
                startTicks = Stopwatch.GetTimestamp();
                atStart = (await receiver.CountAsync()).Distinct;
            },
            onEnd: async () =>
            {
                endTicks = Stopwatch.GetTimestamp();
                atEnd = (await receiver.CountAsync()).Distinct;
            });
        var expected = await NextIndexAsync(plane, tenant.TenantId) - before;
        var drained = true;
        while ((await receiver.CountAsync()).Distinct < expected)
        {
            if (Stopwatch.GetElapsedTime(endTicks) > drainTimeout)
            {
                drained = false;
                break;
            }

            await Task.Delay(20);
        }

        var drainSeconds = Stopwatch.GetElapsedTime(endTicks).TotalSeconds;
        var stats = await receiver.StatsAsync();
        await SetEnabledAsync(dashboard, plane, endpointId, false);
        // A delivery left open (drain timeout) is closed by the dispatcher once the endpoint is disabled; wait for it, so
        // that the next arm starts with an idle dispatcher.
        var open = await WaitNoOpenDeliveriesAsync(plane);
        var (attemptsAfter, failedAttempts) = await AttemptsAsync(plane);
        var windowSeconds = Stopwatch.GetElapsedTime(startTicks, endTicks).TotalSeconds;
        return new WithEndpoint(ingest, expected, (atEnd - atStart) / windowSeconds, expected - atEnd, drained ? drainSeconds : double.NaN, stats,
            drained ? 0 : open, attemptsAfter - attemptsBefore - stats.Distinct, failedAttempts - failedBefore);
    }

    /// <summary>
    /// With the endpoint enabled, posts <paramref name="deltas"/> deltas through the batch route (100 per request, 16 in
    /// flight: far faster than deliveries go), then counts how fast the backlog drains with no other load. Disables the
    /// endpoint again and waits for an idle dispatcher before returning.
    /// </summary>
    private static async Task<BurstDrain> BurstAsync(HttpClient dashboard, Database plane, Uri batchUrl, BenchTenant tenant, string endpointId, WebhookReceiverChild receiver,
        int deltas, int customers, string prefix, TimeSpan drainTimeout)
    {
        await IngestBenchmark.WaitCaughtUpAsync(plane);
        await SetEnabledAsync(dashboard, plane, endpointId, true);
        await receiver.ResetAsync();
        var before = await NextIndexAsync(plane, tenant.TenantId);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 16, UseCookies = false }) { Timeout = TimeSpan.FromMinutes(2) };
        var next = -1;
        var requests = (deltas + 99) / 100;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) is var i && i < requests)
            {
                var items = Enumerable.Range(i * 100, Math.Min(100, deltas - (i * 100))).Select(n => new
                {
                    customerId = "cust_" + (n % customers).ToString(CultureInfo.InvariantCulture),
                    delta = -5,
                    reason = "api_call",
                    referenceId = $"ref-{prefix}-{started}-{n}",
                });
                using var request = new HttpRequestMessage(HttpMethod.Post, batchUrl) { Content = JsonContent.Create(new { deltas = items }) };
                request.Headers.TryAddWithoutValidation("X-Api-Key", tenant.Key);
                using var answer = await http.SendAsync(request);
                if (answer.StatusCode != System.Net.HttpStatusCode.Created)
                {
                    throw new InvalidOperationException($"Batch for the backlog: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
                }
            }
        })));
        var posted = Stopwatch.GetTimestamp();
        var atPosted = (await receiver.CountAsync()).Distinct;
        // This process's CPU time and allocations while the backlog drains with no other load: the plane's cost per delivery
        // (the signer's last rounds included).
        var cpuAtPosted = Process.GetCurrentProcess().TotalProcessorTime;
        var allocatedAtPosted = GC.GetTotalAllocatedBytes(precise: true);
        var expected = await NextIndexAsync(plane, tenant.TenantId) - before;
        var drained = true;
        while ((await receiver.CountAsync()).Distinct < expected)
        {
            if (Stopwatch.GetElapsedTime(posted) > drainTimeout)
            {
                drained = false;
                break;
            }

            await Task.Delay(20);
        }

        var drainSeconds = Stopwatch.GetElapsedTime(posted).TotalSeconds;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuAtPosted;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedAtPosted;
        var stats = await receiver.StatsAsync();
        await SetEnabledAsync(dashboard, plane, endpointId, false);
        var open = await WaitNoOpenDeliveriesAsync(plane);
        var delivered = Math.Max(1, stats.Distinct - atPosted);
        return new BurstDrain(expected, Stopwatch.GetElapsedTime(started, posted).TotalSeconds, atPosted, drained ? drainSeconds : double.NaN, stats, drained ? 0 : open,
            cpu.TotalMicroseconds / delivered, (double)allocated / delivered, stats.CpuMs * 1000 / Math.Max(1, stats.Requests));
    }

    private static async Task<string> CreateEndpointAsync(HttpClient dashboard, Database plane, Uri receiver)
    {
        var answer = await dashboard.PostAsJsonAsync("/dashboard/webhooks", new { url = receiver.ToString(), environment = "sandbox", events = new[] { "delta.verified" } });
        var text = await answer.Content.ReadAsStringAsync();
        if (!answer.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Creating the webhook endpoint: {(int)answer.StatusCode} {text}");
        }

        var id = JsonDocument.Parse(text).RootElement.GetProperty("data").GetProperty("id").GetString()!;
        await WaitPlaneAsync(plane, id, true);
        return id;
    }

    /// <summary>Turns the endpoint on or off through the Dashboard API and waits until the plane holds the change.</summary>
    private static async Task SetEnabledAsync(HttpClient dashboard, Database plane, string id, bool enabled)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/dashboard/webhooks/{id}") { Content = JsonContent.Create(new { enabled }) };
        var answer = await dashboard.SendAsync(request);
        if (!answer.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"PATCH /dashboard/webhooks/{id}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
        }

        await WaitPlaneAsync(plane, id, enabled);
    }

    private static async Task WaitPlaneAsync(Database plane, string id, bool enabled)
    {
        var started = Stopwatch.GetTimestamp();
        await using var c = await plane.OpenAsync(CancellationToken.None);
        while (await c.ExecuteScalarAsync<long?>("SELECT enabled FROM webhook_endpoints WHERE id = @id AND deleted_at IS NULL", new { id }) != (enabled ? 1 : 0))
        {
            if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromSeconds(60))
            {
                throw new InvalidOperationException($"The plane did not take the endpoint's state (enabled: {enabled}) within a minute.");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Waits until no delivery has an attempt due (the dispatcher is idle); returns how many were open at first.</summary>
    private static async Task<long> WaitNoOpenDeliveriesAsync(Database plane)
    {
        var started = Stopwatch.GetTimestamp();
        await using var c = await plane.OpenAsync(CancellationToken.None);
        long first = -1;
        while (await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM webhook_deliveries WHERE next_attempt_at IS NOT NULL") is var open && open > 0)
        {
            first = first < 0 ? open : first;
            if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromMinutes(10))
            {
                throw new InvalidOperationException($"{open} webhook deliveries still open after 10 minutes.");
            }

            await Task.Delay(50);
        }

        return Math.Max(first, 0);
    }

    /// <summary>Attempts stored so far, and how many of them did not deliver.</summary>
    private static async Task<(long All, long Failed)> AttemptsAsync(Database plane)
    {
        await using var c = await plane.OpenAsync(CancellationToken.None);
        return await c.QuerySingleAsync<(long, long)>(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN status_code >= 200 AND status_code < 300 THEN 0 ELSE 1 END), 0) FROM webhook_attempts");
    }

    private static async Task<long> NextIndexAsync(Database plane, string tenantId)
    {
        await using var c = await plane.OpenAsync(CancellationToken.None);
        return await c.ExecuteScalarAsync<long>("SELECT next_index FROM tenant_ledgers WHERE tenant_id = @tenantId", new { tenantId });
    }

    private static string Report(int runs, Options o, List<(string Name, List<RunRow> Rows)> stores)
    {
        // Runs without a value (a drain rate with no backlog, a lag with no delivery) are left out; NaN when none has one.
        static double M(IEnumerable<double> values) => values.Where(v => !double.IsNaN(v)).ToList() is { Count: > 0 } some ? ActivationBenchmark.Median(some) : double.NaN;
        static string Ms(double v) => double.IsPositiveInfinity(v) ? "saturated" : v.ToString("0.0", CultureInfo.InvariantCulture) + " ms";
        var metrics = new List<(string Metric, Func<List<RunRow>, string> Value)>
        {
            ($"saturated single-delta ingest (closed loop, {o.Connections} connections, {o.Warmup} s + {o.SaturationSeconds} s, no endpoint): answered, p99",
                r => FormattableString.Invariant($"{M(r.Select(x => x.Saturated.Rps)):N0} deltas/s, {Ms(M(r.Select(x => x.Saturated.P99)))}")),
            ("saturated ingest with one endpoint (same closed loop): answered, p99; loss", r => FormattableString.Invariant(
                $"{M(r.Select(x => x.SaturatedWith.Ingest.Rps)):N0} deltas/s, {Ms(M(r.Select(x => x.SaturatedWith.Ingest.P99)))}; {M(r.Select(x => x.SaturatedLossPercent)):0.0} %")),
            ("deliveries/s during the saturated loop with the endpoint", r => FormattableString.Invariant($"{M(r.Select(x => x.SaturatedWith.DuringRate)):N0}/s")),
            ("offered rate (half of the run's saturated rate, open loop)", r => FormattableString.Invariant($"{M(r.Select(x => (double)x.Rate)):N0}/s")),
            ("**ingest without endpoint**: answered, p50 / p99", r => FormattableString.Invariant(
                $"{M(r.Select(x => x.Without.Rps)):N0}/s, {Ms(M(r.Select(x => x.Without.P50)))} / {Ms(M(r.Select(x => x.Without.P99)))}")),
            ("**ingest with one endpoint**: answered, p50 / p99", r => FormattableString.Invariant(
                $"{M(r.Select(x => x.With.Ingest.Rps)):N0}/s, {Ms(M(r.Select(x => x.With.Ingest.P50)))} / {Ms(M(r.Select(x => x.With.Ingest.P99)))}")),
            ("**throughput loss with the endpoint** (median of per-run losses)", r => FormattableString.Invariant($"**{M(r.Select(x => x.LossPercent)):0.0} %**")),
            ("runs in which the offered rate was more than the plane could answer (over a second behind), without / with", r =>
                $"{r.Count(x => x.Without.Saturated)} / {r.Count(x => x.With.Ingest.Saturated)} of {r.Count}"),
            ("server CPU per delta (whole process, during the window), without / with", r => FormattableString.Invariant(
                $"{M(r.Select(x => x.Without.CpuUs)):0} / {M(r.Select(x => x.With.Ingest.CpuUs)):0} µs")),
            ("**deliveries/s while ingest runs**", r => FormattableString.Invariant($"**{M(r.Select(x => x.With.DuringRate)):N0}/s**")),
            ("backlog when ingest ends (deltas not yet delivered)", r => FormattableString.Invariant($"{M(r.Select(x => (double)x.With.BacklogAtEnd)):N0}")),
            ("drain after ingest: rate (runs that fell behind) / time from the window's end to the last event", r => FormattableString.Invariant(
                $"{(r.Any(x => x.With.FellBehind) ? M(r.Where(x => x.With.FellBehind).Select(x => x.With.DrainRate)).ToString("N0", CultureInfo.InvariantCulture) + "/s" : "kept up")} ({r.Count(x => x.With.FellBehind)} of {r.Count} fell behind) / {M(r.Select(x => x.With.DrainSeconds)):0.0} s")),
            ("**drain rate of a backlog with no ingest** (posted through the batch route; events per run)", r => r.Any(x => x.Burst is not null)
                ? FormattableString.Invariant($"**{M(r.Where(x => x.Burst is not null).Select(x => x.Burst!.DrainRate)):N0}/s** ({r.Where(x => x.Burst is not null).Min(x => x.Burst!.Deltas):N0})")
                : "not measured"),
            ("during that drain: plane process CPU / allocations per delivery; receiver process CPU per request", r => r.Any(x => x.Burst is not null)
                ? FormattableString.Invariant($"{M(r.Where(x => x.Burst is not null).Select(x => x.Burst!.CpuUs)):0} µs / {M(r.Where(x => x.Burst is not null).Select(x => x.Burst!.Alloc)):N0} B; {M(r.Where(x => x.Burst is not null).Select(x => x.Burst!.ReceiverCpuUs)):0} µs")
                : "not measured"),
            ("**delivery lag, head signed (`createdAt`) → received, p50 / p99**", r => FormattableString.Invariant(
                $"{M(r.Select(x => x.With.Stats.LagP50)):N0} / **{M(r.Select(x => x.With.Stats.LagP99)):N0} ms**")),
            ("delivery lag, delta committed (`recordedAt`) → received, p50 / p99", r => FormattableString.Invariant(
                $"{M(r.Select(x => x.With.Stats.CommitLagP50)):N0} / {M(r.Select(x => x.With.Stats.CommitLagP99)):N0} ms")),
            ("events per arm; not delivered / attempts beyond one per event / failed attempts (all runs)", r => FormattableString.Invariant(
                $"{r.Min(x => x.With.Expected):N0}–{r.Max(x => x.With.Expected):N0}; {r.Sum(x => x.With.Undelivered):N0} / {r.Sum(x => x.With.Retried):N0} / {r.Sum(x => x.With.FailedAttempts):N0}")),
        };
        var w = new StringWriter(CultureInfo.InvariantCulture);
        w.WriteLine($"| metric (median of {runs} runs; open loop {o.Warmup} s warm-up + {o.Seconds} s per arm) | " + string.Join(" | ", stores.Select(s => s.Name)) + " |");
        w.WriteLine("|---|" + string.Concat(stores.Select(_ => "---|")));
        foreach (var (metric, value) in metrics)
        {
            w.WriteLine($"| {metric} | " + string.Join(" | ", stores.Select(s => value(s.Rows))) + " |");
        }

        foreach (var (name, rows) in stores)
        {
            w.WriteLine();
            w.WriteLine($"{name}, per run (saturated without / with, loss; offered; answered without / with; loss; p99 without / with; deliveries/s during / drain after; lag p99; backlog drain with no ingest):");
            foreach (var r in rows)
            {
                w.WriteLine(FormattableString.Invariant(
                    $"- {r.Saturated.Rps:N0} / {r.SaturatedWith.Ingest.Rps:N0}/s, {r.SaturatedLossPercent:0.0} %; {r.Rate:N0}/s; {r.Without.Rps:N0} / {r.With.Ingest.Rps:N0}/s; {r.LossPercent:0.0} %; {Ms(r.Without.P99)} / {Ms(r.With.Ingest.P99)}; {r.With.DuringRate:N0} / {Drain(r.With)}; {r.With.Stats.LagP99:N0} ms; {(r.Burst is null ? "-" : r.Burst.DrainRate.ToString("N0", CultureInfo.InvariantCulture) + "/s")}"));
            }
        }

        return w.ToString();
    }

    private static string Paced(IngestBenchmark.Measurement m) => m.Saturated
        ? FormattableString.Invariant($"saturated after {m.SaturatedAfter:0.0} s ({m.Rps:0}/s answered)")
        : FormattableString.Invariant($"{m.Rps:0}/s answered, p50 {m.P50:0.0} ms, p99 {m.P99:0.0} ms, max {m.Max:0} ms");

    private static string Drain(WithEndpoint w) => double.IsNaN(w.DrainSeconds)
        ? FormattableString.Invariant($"not drained within the timeout, {w.Undelivered} left")
        : w.FellBehind ? FormattableString.Invariant($"{w.DrainRate:N0}/s") : "kept up";

    private static string Burst(BurstDrain? b) => b is null ? "" : FormattableString.Invariant(
        $"; backlog of {b.Deltas} posted in {b.PostSeconds:0.0} s ({b.AtPosted} delivered meanwhile), {(double.IsNaN(b.DrainSeconds) ? $"not drained within the timeout, {b.Undelivered} left" : $"drained at {b.DrainRate:0}/s in {b.DrainSeconds:0.0} s")} ({b.CpuUs:0} µs CPU, {b.Alloc:0} B per delivery; receiver {b.ReceiverCpuUs:0} µs CPU per request), lag p99 {b.Stats.LagP99:0} ms; per second: {string.Join(' ', b.Stats.PerSecond)}");

    private sealed record Options(int Seconds, int Warmup, int SaturationSeconds, int Connections, int Customers, TimeSpan DrainTimeout, int Burst);

    /// <param name="Expected">Deltas the arm committed (each one event).</param>
    /// <param name="DuringRate">Distinct events received per second between the window's start and its end.</param>
    /// <param name="BacklogAtEnd">Events not yet received when the window ended.</param>
    /// <param name="DrainSeconds">From the window's end until every event had arrived; NaN when the timeout came first.</param>
    /// <param name="Undelivered">Events left when the drain timed out.</param>
    /// <param name="Retried">Attempts stored beyond one per event received.</param>
    private sealed record WithEndpoint(IngestBenchmark.Measurement Ingest, long Expected, double DuringRate, long BacklogAtEnd, double DrainSeconds,
        WebhookReceiverChild.Stats Stats, long Undelivered, long Retried, long FailedAttempts)
    {
        /// <summary>Events per second received after the window ended, until the last one (only meaningful with a backlog).</summary>
        public double DrainRate => BacklogAtEnd > 0 && DrainSeconds > 0 ? BacklogAtEnd / DrainSeconds : double.NaN;

        /// <summary>Whether a backlog of more than half a second of the offered rate was left when ingest ended.</summary>
        public bool FellBehind => BacklogAtEnd > Ingest.Rps / 2;
    }

    /// <param name="Deltas">Deltas posted (each one event).</param>
    /// <param name="PostSeconds">How long posting them took.</param>
    /// <param name="AtPosted">Events received when the last batch was answered.</param>
    /// <param name="DrainSeconds">From then until the last event arrived; NaN when the timeout came first.</param>
    /// <param name="CpuUs">This process's CPU time per event delivered during the drain, in µs.</param>
    /// <param name="Alloc">This process's allocations per event delivered during the drain, in bytes.</param>
    /// <param name="ReceiverCpuUs">The receiver process's CPU time per request, in µs (over the whole burst).</param>
    private sealed record BurstDrain(long Deltas, double PostSeconds, long AtPosted, double DrainSeconds, WebhookReceiverChild.Stats Stats, long Undelivered,
        double CpuUs, double Alloc, double ReceiverCpuUs)
    {
        public double DrainRate => DrainSeconds > 0 ? (Deltas - AtPosted) / DrainSeconds : double.NaN;
    }

    private sealed record RunRow(IngestBenchmark.Measurement Saturated, WithEndpoint SaturatedWith, int Rate, IngestBenchmark.Measurement Without, WithEndpoint With, BurstDrain? Burst)
    {
        public double SaturatedLossPercent => (1 - (SaturatedWith.Ingest.Rps / Saturated.Rps)) * 100;

        public double LossPercent => (1 - (With.Ingest.Rps / Without.Rps)) * 100;
    }
}
