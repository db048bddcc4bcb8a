using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PacSpace.Benchmarks;

/// <summary>
/// The webhook receiver of the <c>webhooks</c> benchmark, run as a child process (<c>webhook-receiver</c>) so that its
/// work is not charged to the plane's process: a bare Kestrel endpoint (slim builder, one <c>MapPost</c>) that reads each
/// body and answers 200 at once. It verifies nothing heavy: per request it notes the arrival time, the event id
/// (<c>X-Event-ID</c>, to count distinct events) and the body's first <c>createdAt</c> (the envelope's: when the head
/// that verified the delta was signed) and <c>recordedAt</c> (the delta's commit), for the delivery lag.
/// <para>
/// It prints <c>URL &lt;url&gt;</c> once listening, then answers one line per command read from standard input:
/// <c>RESET</c> (forget everything, start a new window) → <c>OK</c>; <c>COUNT</c> → <c>COUNT &lt;requests&gt; &lt;distinct events&gt;</c>;
/// <c>STATS</c> → <c>STATS &lt;requests&gt; &lt;distinct&gt; &lt;lag p50&gt; &lt;lag p99&gt; &lt;lag max&gt; &lt;commit lag p50&gt; &lt;commit lag p99&gt; &lt;CPU ms&gt; &lt;per-second counts, comma separated&gt;</c>
/// (lags in ms; the receiver process's CPU time and the per-second counts since the last <c>RESET</c>).
/// </para>
/// </summary>
internal static class WebhookReceiver
{
    private static readonly byte[] CreatedAt = "\"createdAt\":\""u8.ToArray();
    private static readonly byte[] RecordedAt = "\"recordedAt\":\""u8.ToArray();

    public static async Task<int> RunAsync(string[] args)
    {
        if (Cli.Text(args, "--parent") is { } parent)
        {
            var process = Process.GetProcessById(int.Parse(parent, CultureInfo.InvariantCulture));
            _ = Task.Run(async () =>
            {
                await process.WaitForExitAsync();
                Environment.Exit(2);
            });
        }

        var state = new State();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapPost("/hook", async (HttpRequest request) =>
        {
            var body = new MemoryStream(2048);
            await request.Body.CopyToAsync(body);
            state.Note(request.Headers["X-Event-ID"].ToString(), body.GetBuffer().AsSpan(0, (int)body.Length));
            return Results.Ok();
        });
        await app.StartAsync();
        Console.WriteLine("URL " + new Uri(new Uri(app.Urls.First()), "/hook"));
        while (Console.ReadLine() is { } command)
        {
            Console.WriteLine(command switch
            {
                "RESET" => state.Reset(),
                "COUNT" => state.Count(),
                "STATS" => state.Stats(),
                _ => "ERROR unknown command",
            });
        }

        await app.StopAsync();
        return 0;
    }

    private sealed class State
    {
        private readonly object _gate = new();
        private HashSet<string> _events = new(StringComparer.Ordinal);
        private List<(double Signed, double Committed)> _lags = new(1 << 17);
        private long[] _perSecond = new long[3600];
        private long _requests;
        private long _resetAt = Stopwatch.GetTimestamp();
        private TimeSpan _cpuAtReset = Process.GetCurrentProcess().TotalProcessorTime;

        public void Note(string eventId, ReadOnlySpan<byte> body)
        {
            var now = DateTimeOffset.UtcNow;
            var signed = Lag(body, CreatedAt, now);
            var committed = Lag(body, RecordedAt, now);
            lock (_gate)
            {
                _requests++;
                _events.Add(eventId);
                _lags.Add((signed, committed));
                var second = (long)Stopwatch.GetElapsedTime(_resetAt).TotalSeconds;
                _perSecond[Math.Clamp(second, 0, _perSecond.Length - 1)]++;
            }
        }

        public string Reset()
        {
            lock (_gate)
            {
                _events = new(StringComparer.Ordinal);
                _lags = new(1 << 17);
                _perSecond = new long[_perSecond.Length];
                _requests = 0;
                _resetAt = Stopwatch.GetTimestamp();
                _cpuAtReset = Process.GetCurrentProcess().TotalProcessorTime;
            }

            return "OK";
        }

        public string Count()
        {
            lock (_gate)
            {
                return string.Create(CultureInfo.InvariantCulture, $"COUNT {_requests} {_events.Count}");
            }
        }

        public string Stats()
        {
            List<double> signed, committed;
            long requests, distinct;
            long[] perSecond;
            double cpuMs;
            lock (_gate)
            {
                cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - _cpuAtReset).TotalMilliseconds;
                signed = [.. _lags.Select(l => l.Signed).Where(double.IsFinite)];
                committed = [.. _lags.Select(l => l.Committed).Where(double.IsFinite)];
                (requests, distinct, perSecond) = (_requests, _events.Count, _perSecond);
                var seconds = (int)Math.Min(perSecond.Length, Math.Ceiling(Stopwatch.GetElapsedTime(_resetAt).TotalSeconds));
                perSecond = perSecond[..seconds];
            }

            signed.Sort();
            committed.Sort();
            static double P(List<double> v, double p) => v.Count == 0 ? double.NaN : v[Math.Clamp((int)Math.Ceiling(p / 100 * v.Count) - 1, 0, v.Count - 1)];
            return string.Create(CultureInfo.InvariantCulture,
                $"STATS {requests} {distinct} {P(signed, 50):0.0} {P(signed, 99):0.0} {(signed.Count == 0 ? double.NaN : signed[^1]):0.0} {P(committed, 50):0.0} {P(committed, 99):0.0} {cpuMs:0.0} {string.Join(',', perSecond)}");
        }

        /// <summary>Now minus the first ISO 8601 time after <paramref name="field"/> in the body, in ms; NaN when there is none.</summary>
        private static double Lag(ReadOnlySpan<byte> body, ReadOnlySpan<byte> field, DateTimeOffset now)
        {
            var at = body.IndexOf(field);
            if (at < 0)
            {
                return double.NaN;
            }

            var value = body[(at + field.Length)..];
            var end = value.IndexOf((byte)'"');
            return end > 0 && DateTimeOffset.TryParse(Encoding.ASCII.GetString(value[..end]), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t)
                ? (now - t).TotalMilliseconds
                : double.NaN;
        }
    }
}

/// <summary>The parent's handle of a <see cref="WebhookReceiver"/> child process: its URL and its commands.</summary>
internal sealed class WebhookReceiverChild : IAsyncDisposable
{
    private readonly Process _process;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private WebhookReceiverChild(Process process, Uri url)
    {
        _process = process;
        Url = url;
    }

    public Uri Url { get; }

    public static async Task<WebhookReceiverChild> StartAsync()
    {
        var start = ChildProcess.Self();
        start.RedirectStandardInput = true;
        foreach (var a in new[] { "webhook-receiver", "--parent", Environment.ProcessId.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(a);
        }

        var process = Process.Start(start)!;
        var line = await process.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("The webhook receiver ended before it listened.");
        return line.StartsWith("URL ", StringComparison.Ordinal)
            ? new WebhookReceiverChild(process, new Uri(line[4..]))
            : throw new InvalidOperationException("The webhook receiver said: " + line);
    }

    public Task ResetAsync() => AskAsync("RESET");

    /// <summary>Requests received and distinct events among them since the last reset.</summary>
    public async Task<(long Requests, long Distinct)> CountAsync()
    {
        var parts = (await AskAsync("COUNT")).Split(' ');
        return (long.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[2], CultureInfo.InvariantCulture));
    }

    public async Task<Stats> StatsAsync()
    {
        var parts = (await AskAsync("STATS")).Split(' ');
        double D(int i) => double.Parse(parts[i], CultureInfo.InvariantCulture);
        return new Stats((long)D(1), (long)D(2), D(3), D(4), D(5), D(6), D(7), D(8),
            parts.Length > 9 && parts[9].Length > 0 ? [.. parts[9].Split(',').Select(x => long.Parse(x, CultureInfo.InvariantCulture))] : []);
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        if (!_process.WaitForExit(5_000))
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private async Task<string> AskAsync(string command)
    {
        await _gate.WaitAsync();
        try
        {
            await _process.StandardInput.WriteLineAsync(command);
            await _process.StandardInput.FlushAsync();
            return await _process.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("The webhook receiver ended.");
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>What the receiver saw since the last reset; lags in ms (signed head → received, commit → received); its own CPU time in ms.</summary>
    public sealed record Stats(long Requests, long Distinct, double LagP50, double LagP99, double LagMax, double CommitLagP50, double CommitLagP99, double CpuMs, long[] PerSecond);
}
