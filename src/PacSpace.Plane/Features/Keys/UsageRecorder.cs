using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PacSpace.Hosting.Data;

namespace PacSpace.Plane.Features.Keys;

/// <summary>
/// Remembers in memory when each key was last used (at most one note per key per second) and writes them
/// in one batch every <see cref="PlaneOptions.UsageFlushInterval"/>: never a database write per request.
/// </summary>
internal sealed partial class UsageRecorder(
    Database db,
    IOptions<PlaneOptions> options,
    TimeProvider time,
    ILogger<UsageRecorder> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, long> _pending = new(StringComparer.Ordinal);

    public void Record(StoredKey key, long now)
    {
        if (now - Volatile.Read(ref key.LastRecorded) < 1000)
        {
            return;
        }

        Volatile.Write(ref key.LastRecorded, now);
        _pending[key.Caller.PublicId] = now;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.UsageFlushInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // What was used since the last tick is not lost on a clean shutdown.
        await FlushAsync(CancellationToken.None);
    }

    internal async Task FlushAsync(CancellationToken cancellationToken)
    {
        var batch = new List<(string PublicId, long At)>();
        foreach (var entry in _pending)
        {
            // Removes only if unchanged; a newer note stays for the next round.
            if (_pending.TryRemove(entry))
            {
                batch.Add((entry.Key, entry.Value));
            }
        }

        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            var flushedAt = time.GetUtcNow().ToUnixTimeMilliseconds();
            await using var write = await db.BeginWriteAsync(cancellationToken);
            foreach (var (publicId, at) in batch)
            {
                await KeyStore.RecordUsageAsync(write.Connection, write.Transaction, publicId, at, flushedAt, cancellationToken);
            }

            await write.CommitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Put them back (keeping any newer note) and try again next round.
            foreach (var (publicId, at) in batch)
            {
                _pending.AddOrUpdate(publicId, at, (_, current) => Math.Max(current, at));
            }

            LogFlushFailed(ex, batch.Count);
        }
    }

    [LoggerMessage(EventId = 510, Level = LogLevel.Warning, Message = "Could not record last use of {Count} keys; will retry")]
    private partial void LogFlushFailed(Exception ex, int count);
}
