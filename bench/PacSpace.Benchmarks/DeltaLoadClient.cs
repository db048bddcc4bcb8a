using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace PacSpace.Benchmarks;

/// <summary>
/// The delta load generator, run as a child process (see <see cref="LoadClient"/>). Posts
/// <c>{"customerId":"cust_N","delta":-5,"reason":"api_call","referenceId":"…"}</c> with a unique referenceId
/// per request, or with <c>--batch N</c> (N &gt; 1) <c>{"deltas":[…N such items…]}</c> to the batch route given as
/// <c>--url</c>, each item with its own unique referenceId and the same spread over customers; in one of two modes:
/// <list type="bullet">
/// <item>closed loop (<c>--rate 0</c>): <c>--connections</c> requests always in flight, for throughput;</item>
/// <item>open loop (<c>--rate R</c>): requests start on a fixed schedule of R per second whatever the answers do, and
/// each latency is measured from the moment its request was due, not from when it was sent, so a stalled server
/// shows up in the percentiles instead of slowing the generator down (no coordinated omission).</item>
/// </list>
/// Prints <c>START</c> when the measured window opens and
/// <c>END &lt;ok&gt; &lt;errors&gt; &lt;seconds&gt; &lt;p50 ms&gt; &lt;p99 ms&gt; &lt;p99.9 ms&gt; &lt;max ms&gt; &lt;saturated&gt; &lt;own CPU µs in the window&gt;</c> once every
/// request sent has been answered. In the open loop, a server that falls more than one second of requests behind
/// cannot keep up with the rate: the generator stops sending and reports how many seconds into the window that
/// happened (else -1), instead of queueing an ever longer backlog. With <c>--batch</c>, <c>ok</c> counts deltas (each 201
/// adds its <c>totalQueued</c>) and <c>errors</c> counts the deltas that were not queued (a batch answered otherwise
/// than 201 counts all of its items); the latencies are per request.
/// </summary>
internal static class DeltaLoadClient
{
    public static async Task<int> RunAsync(string[] args)
    {
        var url = new Uri(Cli.Text(args, "--url")!);
        var key = Cli.Text(args, "--key");
        var seconds = Cli.Arg(args, "--seconds", 5);
        var warmup = Cli.Arg(args, "--warmup", 1);
        var connections = Cli.Arg(args, "--connections", 64);
        var rate = Cli.Arg(args, "--rate", 0);
        var customers = Cli.Arg(args, "--customers", 1000);
        var batch = Math.Max(1, Cli.Arg(args, "--batch", 1));
        var prefix = Cli.Text(args, "--prefix") ?? Guid.NewGuid().ToString("N")[..8];
        if (Cli.Text(args, "--parent") is { } parent)
        {
            ExitWithParent(int.Parse(parent, CultureInfo.InvariantCulture));
        }

        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        })
        { Timeout = TimeSpan.FromSeconds(60) };
        var json = new MediaTypeHeaderValue("application/json");

        long counter = 0;
        long ok = 0;
        long errors = 0;
        var latencies = new List<double>[Math.Max(connections, 1)];
        var openLoopLatencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        for (var i = 0; i < latencies.Length; i++)
        {
            latencies[i] = new List<double>(1 << 16);
        }

        async Task<bool> SendAsync(bool record)
        {
            if (batch > 1)
            {
                return await SendBatchAsync(record);
            }

            var n = Interlocked.Increment(ref counter);
            var body = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
                $$"""{"customerId":"cust_{{n % customers}}","delta":-5,"reason":"api_call","referenceId":"ref-{{prefix}}-{{n}}"}"""));
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = json;
            if (key is not null)
            {
                request.Headers.TryAddWithoutValidation("X-Api-Key", key);
            }

            try
            {
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, CancellationToken.None);
                var success = response.StatusCode == HttpStatusCode.Created;
                if (record)
                {
                    if (success)
                    {
                        Interlocked.Increment(ref ok);
                    }
                    else
                    {
                        Interlocked.Increment(ref errors);
                        if (Interlocked.Read(ref errors) <= 3)
                        {
                            Console.Error.WriteLine($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                        }
                    }
                }

                return success;
            }
            catch (HttpRequestException ex)
            {
                if (record)
                {
                    Interlocked.Increment(ref errors);
                    Console.Error.WriteLine(ex.Message);
                }

                return false;
            }
        }

        // One request of `batch` deltas numbered like the single ones (n, n+1, …), so referenceIds stay unique and the
        // customers are spread the same way. Success means 201 with every item queued.
        async Task<bool> SendBatchAsync(bool record)
        {
            var first = Interlocked.Add(ref counter, batch) - batch + 1;
            var text = new StringBuilder("""{"deltas":[""", batch * 96);
            for (var n = first; n < first + batch; n++)
            {
                text.Append(CultureInfo.InvariantCulture,
                    $$"""{{(n == first ? "" : ",")}}{"customerId":"cust_{{n % customers}}","delta":-5,"reason":"api_call","referenceId":"ref-{{prefix}}-{{n}}"}""");
            }

            text.Append("]}");
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(text.ToString())) };
            request.Content.Headers.ContentType = json;
            if (key is not null)
            {
                request.Headers.TryAddWithoutValidation("X-Api-Key", key);
            }

            long queued = 0;
            string? problem = null;
            try
            {
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, CancellationToken.None);
                var answer = await response.Content.ReadAsByteArrayAsync();
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    using var document = System.Text.Json.JsonDocument.Parse(answer);
                    queued = document.RootElement.GetProperty("data").GetProperty("totalQueued").GetInt64();
                }

                if (queued != batch)
                {
                    var said = Encoding.UTF8.GetString(answer);
                    problem = $"{(int)response.StatusCode}, {queued} of {batch} queued: {said[..Math.Min(said.Length, 500)]}";
                }
            }
            catch (HttpRequestException ex)
            {
                problem = ex.Message;
            }

            if (record)
            {
                Interlocked.Add(ref ok, queued);
                if (problem is not null && Interlocked.Add(ref errors, batch - queued) <= 3L * batch)
                {
                    Console.Error.WriteLine(problem);
                }
            }

            return problem is null;
        }

        double elapsed;
        double saturated = -1;
        // This process's CPU time over the window (it shares the cores with the server).
        var cpuAtStart = TimeSpan.Zero;
        var cpuInWindow = TimeSpan.Zero;
        if (rate <= 0)
        {
            var measuring = 0;
            using var stop = new CancellationTokenSource();
            async Task Worker(List<double> mine)
            {
                while (!stop.IsCancellationRequested)
                {
                    var record = Volatile.Read(ref measuring) == 1;
                    var started = Stopwatch.GetTimestamp();
                    await SendAsync(record);
                    if (record)
                    {
                        mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }
                }
            }

            var workers = latencies.Select(l => Task.Run(() => Worker(l))).ToArray();
            await Task.Delay(TimeSpan.FromSeconds(warmup));
            Console.WriteLine("START");
            cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
            var windowStart = Stopwatch.GetTimestamp();
            Volatile.Write(ref measuring, 1);
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            Volatile.Write(ref measuring, 0);
            cpuInWindow = Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart;
            elapsed = Stopwatch.GetElapsedTime(windowStart).TotalSeconds;
            await stop.CancelAsync();
            await Task.WhenAll(workers);
        }
        else
        {
            // One scheduling thread; each request is due at start + i / rate. Requests due in the warm-up are sent
            // but not recorded; every request due in the window is recorded, however late it is answered.
            var inFlight = new List<Task>(rate * (warmup + seconds) + 16);
            var start = Stopwatch.GetTimestamp();
            var warmupTicks = warmup * Stopwatch.Frequency;
            var endTicks = (warmup + seconds) * Stopwatch.Frequency;
            long sent = 0;
            var started = false;
            long completed = 0;
            async Task Timed(long due, bool record)
            {
                await SendAsync(record);
                Interlocked.Increment(ref completed);
                if (record)
                {
                    openLoopLatencies.Add(Stopwatch.GetElapsedTime(due).TotalMilliseconds);
                }
            }

            var scheduler = new Thread(() =>
            {
                while (true)
                {
                    var now = Stopwatch.GetTimestamp() - start;
                    var due = Math.Min((long)((double)now * rate / Stopwatch.Frequency), (long)rate * (warmup + seconds));
                    for (; sent < due; sent++)
                    {
                        var at = (long)((double)sent * Stopwatch.Frequency / rate);
                        var record = at >= warmupTicks;
                        if (record && !started)
                        {
                            started = true;
                            Console.WriteLine("START");
                            cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
                        }

                        var dueAt = start + at;
                        inFlight.Add(Task.Run(() => Timed(dueAt, record)));
                    }

                    if (now >= endTicks)
                    {
                        return;
                    }

                    if (sent - Interlocked.Read(ref completed) > rate)
                    {
                        saturated = Math.Max(0, (double)(now - warmupTicks) / Stopwatch.Frequency);
                        return;
                    }

                    Thread.Sleep(1);
                }
            })
            { IsBackground = true, Priority = ThreadPriority.AboveNormal };
            scheduler.Start();
            scheduler.Join();
            await Task.WhenAll(inFlight);
            cpuInWindow = Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart;
            // Answered per second: from the first due request of the window until the last answer.
            elapsed = Math.Max(0.001, Stopwatch.GetElapsedTime(start + warmupTicks).TotalSeconds);
        }

        var all = rate <= 0 ? latencies.SelectMany(l => l).ToList() : openLoopLatencies.ToList();
        all.Sort();
        double P(double p) => all.Count == 0 ? double.NaN : all[Math.Clamp((int)Math.Ceiling(p / 100 * all.Count) - 1, 0, all.Count - 1)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"END {Interlocked.Read(ref ok)} {Interlocked.Read(ref errors)} {elapsed:0.000} {P(50):0.000} {P(99):0.000} {P(99.9):0.000} {(all.Count == 0 ? double.NaN : all[^1]):0.000} {saturated:0.000} {cpuInWindow.TotalMicroseconds:0}"));
        return 0;
    }

    /// <summary>A benchmark that is stopped (Ctrl+C, a timeout) must not leave its load generator running.</summary>
    private static void ExitWithParent(int pid)
    {
        var parent = Process.GetProcessById(pid);
        _ = Task.Run(async () =>
        {
            await parent.WaitForExitAsync();
            Environment.Exit(2);
        });
    }
}
