using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace PacSpace.Benchmarks;

/// <summary>
/// 201 → VERIFIED seen from the client, over HTTP only (used by <c>verified</c> and <c>ingest</c>). Deltas are posted
/// from this process at a fixed rate (open loop) through the caller's client (base address = the plane, its key
/// header set) and the time each 201 arrives is noted; a poller reads <c>GET /api/v1/balance/delta/{recordId}</c> of
/// the oldest delta not yet seen VERIFIED about every 2 ms. Every delta a signed head covers shows that head's size
/// (<c>proof.treeSize</c>): when the oldest turns VERIFIED, the other deltas the same head covered first are found by
/// bisection over the pending deltas (taken in the order of their answers) and count as VERIFIED from the same moment.
/// Only the wire fields <c>status</c> and <c>proof.treeSize</c> are read.
/// </summary>
internal static class VerifiedLatency
{
    /// <summary>201 → VERIFIED in ms for each delta due after the warm-up, their record ids, and how many heads covered them.</summary>
    public sealed record Run(List<double> Latencies, List<string> RecordIds, int Rounds);

    /// <summary>
    /// Posts <paramref name="rate"/> deltas per second for <paramref name="warmup"/> + <paramref name="seconds"/> seconds
    /// (customers <c>cust_0</c>…, <paramref name="customers"/> of them) and follows each until it is VERIFIED. Deltas due
    /// in the warm-up are followed too but not counted. Throws when a delta is not answered 201, or not VERIFIED within
    /// a minute after the last was sent.
    /// </summary>
    public static async Task<Run> MeasureAsync(HttpClient http, int seconds, int rate, string prefix, int customers = 1000, int warmup = 0)
    {
        var json = new MediaTypeHeaderValue("application/json");
        var answered = new ConcurrentQueue<Answer>();
        var recordIds = new ConcurrentBag<string>();
        var errors = 0;
        var counted = rate * warmup;
        var total = rate * (warmup + seconds);
        var sends = new List<Task>(total);
        var done = 0;

        async Task SendAsync(int n)
        {
            var body = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
                $$"""{"customerId":"cust_{{n % customers}}","delta":-5,"reason":"api_call","referenceId":"ref-{{prefix}}-{{Guid.NewGuid():N}}"}"""));
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = json;
            using var response = await http.PostAsync("/api/v1/balance/delta", content);
            var at = Stopwatch.GetTimestamp();
            if (response.StatusCode != HttpStatusCode.Created)
            {
                Interlocked.Increment(ref errors);
                return;
            }

            using var answer = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
            var recordId = answer.RootElement.GetProperty("data").GetProperty("recordId").GetString()!;
            if (n >= counted)
            {
                recordIds.Add(recordId);
            }

            answered.Enqueue(new Answer(recordId, at, n >= counted));
        }

        // The poller: follows the oldest answered delta not yet seen VERIFIED. Once it is, the deltas its head covered
        // first are the pending deltas up to the last one showing the same tree size (deltas are logged in the order
        // they were committed, so they are a contiguous run of answers), found by bisection.
        var verified = new List<(long AnsweredAt, long SeenAt)>();
        var rounds = 0;
        var pending = new List<Answer>();
        var poller = Task.Run(async () =>
        {
            var deadline = Stopwatch.GetTimestamp() + (warmup + seconds + 60) * Stopwatch.Frequency;
            while (Volatile.Read(ref done) == 0 || !answered.IsEmpty || pending.Count > 0)
            {
                while (answered.TryDequeue(out var a))
                {
                    // Answers arrive nearly in order: insert from the end.
                    var at = pending.Count;
                    while (at > 0 && pending[at - 1].At > a.At)
                    {
                        at--;
                    }

                    pending.Insert(at, a);
                }

                if (pending.Count == 0 || await StatusAsync(http, pending[0].RecordId) is not long size)
                {
                    if (Stopwatch.GetTimestamp() > deadline)
                    {
                        throw new InvalidOperationException($"{pending.Count} deltas were not VERIFIED within {warmup + seconds + 60} s.");
                    }

                    await Task.Delay(2);
                    continue;
                }

                var seenAt = Stopwatch.GetTimestamp();
                rounds++;
                int lo = 0, hi = pending.Count - 1; // pending[lo] is in the round; find its last member
                if (await StatusAsync(http, pending[hi].RecordId) == size)
                {
                    lo = hi;
                }

                while (lo < hi)
                {
                    var mid = (lo + hi + 1) / 2;
                    if (await StatusAsync(http, pending[mid].RecordId) == size)
                    {
                        lo = mid;
                    }
                    else
                    {
                        hi = mid - 1;
                    }
                }

                verified.AddRange(pending.Take(lo + 1).Where(p => p.Counted).Select(p => (p.At, seenAt)));
                pending.RemoveRange(0, lo + 1);
            }
        });

        // Open loop: request n is due at start + n / rate, whatever the answers do.
        var start = Stopwatch.GetTimestamp();
        for (var n = 0; n < total;)
        {
            var due = (long)(Stopwatch.GetElapsedTime(start).TotalSeconds * rate);
            for (; n < Math.Min(due, total); n++)
            {
                var i = n;
                sends.Add(Task.Run(() => SendAsync(i)));
            }

            await Task.Delay(1);
        }

        await Task.WhenAll(sends);
        Volatile.Write(ref done, 1);
        await poller;
        if (errors > 0)
        {
            throw new InvalidOperationException($"{errors} deltas were not answered 201.");
        }

        var latencies = verified.Select(v => Stopwatch.GetElapsedTime(v.AnsweredAt, Math.Max(v.SeenAt, v.AnsweredAt)).TotalMilliseconds).ToList();
        return new Run(latencies, recordIds.ToList(), rounds);
    }

    /// <summary>
    /// Posts one delta and waits until it is VERIFIED; returns how long that took. A delta committed after every delta
    /// answered so far is covered by a signed head only once they all are, so afterwards nothing answered earlier is
    /// still waiting for the sequencer (the HTTP-only way to wait until it has caught up).
    /// </summary>
    public static async Task<TimeSpan> WaitVerifiedAsync(HttpClient http, string prefix)
    {
        var started = Stopwatch.GetTimestamp();
        using var content = new StringContent(
            $$"""{"customerId":"cust_0","delta":-5,"reason":"api_call","referenceId":"ref-{{prefix}}-{{Guid.NewGuid():N}}"}""", Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("/api/v1/balance/delta", content);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        using var answer = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
        var recordId = answer.RootElement.GetProperty("data").GetProperty("recordId").GetString()!;
        while (await StatusAsync(http, recordId) is null)
        {
            if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromMinutes(5))
            {
                throw new InvalidOperationException("The sequencer did not catch up within 5 minutes.");
            }

            await Task.Delay(5);
        }

        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>The tree size of the first signed head covering the delta once it is VERIFIED, else null.</summary>
    public static async Task<long?> StatusAsync(HttpClient http, string recordId)
    {
        using var response = await http.GetAsync("/api/v1/balance/delta/" + recordId);
        response.EnsureSuccessStatusCode();
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
        var data = answer.RootElement.GetProperty("data");
        return data.GetProperty("status").GetString() == "VERIFIED" ? data.GetProperty("proof").GetProperty("treeSize").GetInt64() : null;
    }

    private readonly record struct Answer(string RecordId, long At, bool Counted);
}
