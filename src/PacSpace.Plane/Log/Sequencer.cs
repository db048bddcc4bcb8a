using System.Diagnostics.Metrics;
using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PacSpace.Plane.Features.Deltas;
using PacSpace.Plane.Features.Webhooks;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Secrets;
using PacSpace.Hosting.Web;
using PacSpace.Ledger;

namespace PacSpace.Plane.Log;

/// <summary>
/// Signs what the group commits (and the Records API's appends) appended. Each round, for each log with entries beyond its
/// signed head whose lease it holds: hashes the new entries, deltas and record entries alike (their place, chain fields and
/// running balances were fixed by the commit), extends the
/// tiles and signs the new head — in one transaction, so a signed head and the tiles it commits to can never disagree. The head update is conditional on the lease and the previous size: a replica
/// that lost its lease cannot write a second, inconsistent head.
/// </summary>
internal sealed partial class Sequencer(Database db, AtRestEncryption secrets, IOptions<PlaneOptions> options, TimeProvider time, WebhookSignal webhooks,
    ILogger<Sequencer> logger) : BackgroundService
{
    private readonly string _owner = "seq_" + Guid.NewGuid().ToString("N")[..12];

    // Each log's right edge after this replica's last committed round: no restore from the tiles while it stays valid.
    private readonly ConcurrentDictionary<string, CompactRange> _edges = new(StringComparer.Ordinal);
    // Per log, until when this replica's last lease renewal holds it.
    private readonly ConcurrentDictionary<string, long> _leasedUntil = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RoundAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogRoundFailed(ex);
            }

            try
            {
                await Task.Delay(o.SequencerInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>One pass over every log with unsigned entries whose lease this replica holds or can take.</summary>
    public async Task RoundAsync(CancellationToken ct)
    {
        List<string> tenants;
        await using (var connection = await db.OpenAsync(ct))
        {
            tenants = await TenantLedgerStore.UnsignedAsync(connection, ct);
        }

        foreach (var tenant in tenants)
        {
            if (await AcquireLeaseAsync(tenant, ct))
            {
                while (await SignAsync(tenant, ct) == options.Value.SequencerBatch)
                {
                    // A full batch: more are waiting.
                }
            }
        }
    }

    private async Task<bool> AcquireLeaseAsync(string tenantId, CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var lease = (long)options.Value.SequencerLease.TotalMilliseconds;
        // Renewed once half of it has run out, not every round: a renewal is a commit on the log's row, which each group
        // commit locks too (PostgreSQL) or which takes the file's one writer (SQLite). Held meanwhile by someone else after
        // all (nothing stops an operator), the round's head update, conditional on the owner, finds out and forgets it.
        if (_leasedUntil.TryGetValue(tenantId, out var until) && until - now > lease / 2)
        {
            return true;
        }

        await using var write = await db.BeginWriteAsync(ct);
        var taken = await TenantLedgerStore.TryLeaseAsync(write.Connection, write.Transaction, tenantId, _owner, now + lease, now, ct);
        await write.CommitAsync(ct);
        if (taken)
        {
            _leasedUntil[tenantId] = now + lease;
        }
        else
        {
            _leasedUntil.TryRemove(tenantId, out _);
        }

        return taken;
    }

    private async Task<int> SignAsync(string tenantId, CancellationToken ct)
    {
        using var span = PacSpaceMetrics.Tracing.StartActivity("sequencer.round");
        span?.SetTag("pacspace.environment", options.Value.EnvironmentName).SetTag("pacspace.tenant", tenantId);
        // Reads and hashing first, outside the write transaction: on SQLite the write transaction holds the one
        // writer's place and the group commit waits for it. Only this log's signer (the lease holder) changes what is
        // read here, and the head update below is conditional on the size read, so a stale read can only roll the
        // round back, never write an inconsistent head. Committed entries never change.
        TenantLedgerStore.SequencingState ledger;
        List<LogEntries.Unsigned> entries;
        CompactRange range;
        TileStore tiles;
        await using (var connection = await db.OpenAsync(ct))
        {
            ledger = await TenantLedgerStore.SequencingStateAsync(connection, secrets, tenantId, ct);
            entries = ledger.NextIndex > ledger.TreeSize
                ? await LogEntries.FromAsync(connection, ledger.LedgerNo, ledger.TreeSize, ledger.NextIndex, options.Value.SequencerBatch, ct)
                : [];
            if (entries.Count == 0)
            {
                return 0;
            }

            tiles = new TileStore(connection, null, tenantId);
            // The right edge kept from this replica's last round is the tree's as long as the size has not moved since.
            range = _edges.TryGetValue(tenantId, out var kept) && kept.Size == ledger.TreeSize
                ? kept.Copy()
                : CompactRange.Restore(ledger.TreeSize, Tiles.Reader(tiles));
            // One list for the nodes of every leaf of the round (a leaf completes at most 64).
            var created = new List<TreeNode>(64);
            foreach (var e in entries)
            {
                if (e.LogIndex != range.Size)
                {
                    throw new InvalidOperationException($"The log of {tenantId} has no entry {range.Size}: its entries must be contiguous.");
                }

                // Deltas and record entries alike: one sequence of indexes. Reads the right-edge tiles it extends, while this connection is open.
                created.Clear();
                range.Append(e.LeafHash, created);
                tiles.Add(created);
            }
        }

        var size = ledger.TreeSize + entries.Count;
        var root = range.Root();
        string checkpoint;
        using (var key = LogSigningKey.Import(Convert.FromBase64String(ledger.PrivateKey)))
        {
            checkpoint = SignedNote.Sign(new Checkpoint(ledger.Origin, size, root).ToNoteBody(), ledger.KeyName, key);
        }

        var signedAt = Math.Max(time.GetUtcNow().ToUnixTimeMilliseconds(), ledger.SignedAt ?? 0);
        int? events;
        try
        {
            events = db.Provider == DbProvider.Postgres
                ? await SignInOneTripAsync(new TenantLedgerStore.SignedRound(tenantId, _owner, ledger.TreeSize, size, Hex.Encode(root), checkpoint, signedAt,
                    tiles.Extended()), ct)
                : await SignStepwiseAsync(tiles, tenantId, ledger, size, Hex.Encode(root), checkpoint, signedAt, ct);
        }
        catch
        {
            _edges.TryRemove(tenantId, out _);
            throw;
        }

        if (events is null)
        {
            // Lease lost or another signer moved the log: nothing of this round is kept.
            _edges.TryRemove(tenantId, out _);
            _leasedUntil.TryRemove(tenantId, out _);
            LogLeaseLost(tenantId);
            return 0;
        }

        _edges[tenantId] = range;
        if (events.Value > 0)
        {
            webhooks.Wake();
        }

        var environment = new KeyValuePair<string, object?>("environment", options.Value.EnvironmentName);
        Appended.Add(entries.Count, environment);
        Lag.Record(Math.Max(0, signedAt - entries[0].RecordedAt), environment);
        return entries.Count;
    }

    /// <summary>
    /// PostgreSQL: the tiles, then the head, its time and its outbox row, in one round trip (the log's row, which the group
    /// commits lock too, is held only for the head and the commit). Null, and nothing kept, when the head did not move.
    /// </summary>
    private async Task<int?> SignInOneTripAsync(TenantLedgerStore.SignedRound round, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await TenantLedgerStore.SignInOneTripAsync(connection, round, ct);
    }

    /// <summary>
    /// SQLite: the same writes statement by statement in one write transaction (in process: no round trips to hold the file's
    /// write lock across). Null, and nothing kept, when the head did not move; else the outbox rows written.
    /// </summary>
    private async Task<int?> SignStepwiseAsync(TileStore tiles, string tenantId, TenantLedgerStore.SequencingState ledger, long size, string root, string checkpoint, long signedAt,
        CancellationToken ct)
    {
        await using var write = await db.BeginWriteAsync(ct);
        var (writer, tx) = (write.Connection, write.Transaction);
        await tiles.FlushAsync(writer, tx, ct);
        if (await TenantLedgerStore.AdvanceHeadAsync(writer, tx, tenantId, _owner, ledger.TreeSize, size, root, checkpoint, signedAt, ct) != 1)
        {
            await write.RollbackAsync(ct);
            return null;
        }

        await TenantLedgerStore.RecordHeadAsync(writer, tx, ledger.LedgerNo, size, signedAt, ct);
        // The deltas this head verifies are delta.verified events, its record entries record.committed events: written with the
        // head, or not at all.
        var events = await WebhookOutbox.HeadSignedAsync(writer, tx, tenantId, ledger.LedgerNo, ledger.TreeSize, size, signedAt, ct);
        await write.CommitAsync(ct);
        return events;
    }

    private static readonly Counter<long> Appended = PacSpaceMetrics.Meter.CreateCounter<long>("pacspace.sequencer.appended", "{delta}",
        "Deltas covered by a new signed head.");

    private static readonly Histogram<long> Lag = PacSpaceMetrics.Meter.CreateHistogram<long>("pacspace.sequencer.lag", "ms",
        "Per round: how long the oldest delta it signed waited between its commit and the signed head.");

    [LoggerMessage(EventId = 500, Level = LogLevel.Error, Message = "Sequencer round failed; it is retried on the next round")]
    private partial void LogRoundFailed(Exception ex);

    [LoggerMessage(EventId = 501, Level = LogLevel.Warning, Message = "Sequencer lost the lease of {TenantId}'s log; its round was rolled back")]
    private partial void LogLeaseLost(string tenantId);
}
