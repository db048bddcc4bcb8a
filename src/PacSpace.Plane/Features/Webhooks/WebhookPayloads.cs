using System.Data.Common;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using PacSpace.Contracts.Webhooks;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Json;
using PacSpace.Plane.Features.Checkpoints;
using PacSpace.Plane.Features.Deltas;
using PacSpace.Plane.Features.Records;
using PacSpace.Ledger;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Webhooks;

/// <summary>
/// The bodies of webhook events: <c>{id, event, tenantId, environment, createdAt, data}</c>. A body is rebuilt from the
/// stored rows at each attempt and comes out byte for byte the same (the rows never change and the fields are written in a
/// fixed order), so a receiver that keeps the first body and the event id sees nothing move between retries.
/// </summary>
internal sealed class WebhookPayloads(Database db, EntryIds ids, IOptions<PlaneOptions> options)
{
    /// <summary>The event id and body of each claimed delivery whose subject still exists, by delivery id.</summary>
    public async Task<Dictionary<long, (string EventId, byte[] Body)>> BuildAsync(IReadOnlyList<WebhookDeliveryStore.Claimed> claims, CancellationToken ct)
    {
        var bodies = new Dictionary<long, (string, byte[])>(claims.Count);
        await using var c = await db.OpenAsync(ct);
        foreach (var group in claims.Where(x => x.LedgerNo is not null && x.EventType == WebhookEvents.RecordCommitted).GroupBy(x => x.LedgerNo!.Value))
        {
            var log = await TenantLedgerStore.PublicLogByNumberAsync(c, group.Key, ct);
            var rows = (await RecordStore.AtAsync(c, db.Provider, group.Key, group.Select(x => x.LogIndex!.Value).Distinct().ToList(), ct)).ToDictionary(r => r.LogIndex);
            foreach (var claim in group)
            {
                if (log is not null && rows.TryGetValue(claim.LogIndex!.Value, out var row))
                {
                    bodies[claim.Id] = RecordCommitted(claim, row, log.Origin);
                }
            }
        }

        foreach (var group in claims.Where(x => x.LedgerNo is not null && x.EventType != WebhookEvents.RecordCommitted).GroupBy(x => x.LedgerNo!.Value))
        {
            var log = await TenantLedgerStore.PublicLogByNumberAsync(c, group.Key, ct);
            var indexes = group.Select(x => x.LogIndex!.Value).Distinct().ToList();
            var rows = (await c.QueryAsync<DeltaRow>(new CommandDefinition(
                $"{DeltaRow.Select} WHERE d.ledger_no = @ledgerNo AND d.log_index {(db.Provider == DbProvider.Postgres ? "= ANY(@indexes)" : "IN @indexes")}",
                new { ledgerNo = group.Key, indexes = indexes.ToArray() }, cancellationToken: ct)))
                .ToDictionary(r => r.LogIndex);
            foreach (var claim in group)
            {
                if (log is not null && rows.TryGetValue(claim.LogIndex!.Value, out var row))
                {
                    bodies[claim.Id] = DeltaVerified(claim, row.Finish(ids, long.MaxValue), log.Origin);
                }
            }
        }

        foreach (var claim in claims.Where(x => x.EventType == WebhookEvents.CheckpointVerified && x.SubjectId is not null))
        {
            var row = await c.QueryFirstOrDefaultAsync<CheckpointRow>(new CommandDefinition(
                $"SELECT {CheckpointRow.Columns} FROM checkpoints WHERE checkpoint_id = @SubjectId AND tenant_id = @TenantId", new { claim.SubjectId, claim.TenantId },
                cancellationToken: ct));
            if (row is not null)
            {
                bodies[claim.Id] = CheckpointVerified(claim, row);
            }
        }

        return bodies;
    }

    /// <summary>A <c>ping</c> to one endpoint (a test send): never stored, so its id is new each time.</summary>
    public (string EventId, byte[] Body) Ping(string tenantId, string endpointId, DateTimeOffset now, string eventId) =>
        (eventId, Serialize(eventId, WebhookEvents.Ping, tenantId, now.ToUnixTimeMilliseconds(), new PingData(endpointId,
            "A test event from PacSpace. Answer with a 2xx status within 10 seconds to acknowledge deliveries.")));

    private (string, byte[]) DeltaVerified(WebhookDeliveryStore.Claimed claim, DeltaRow row, string origin)
    {
        var eventId = ids.VerifiedEventId(row.LedgerNo, row.LogIndex);
        var signedAt = DateTimeOffset.FromUnixTimeMilliseconds(claim.EventAt);
        var data = new DeltaVerifiedData(
            row.RecordId, row.ReceiptId, $"{origin}@{claim.HeadSize}", row.CustomerId, row.Amount, row.CustomerSeq.ToString(System.Globalization.CultureInfo.InvariantCulture),
            row.ReferenceId, row.Reason, row.ContentHashHex, row.ContentVersion, row.LogIndex, row.BalanceAfter, DateTimeOffset.FromUnixTimeMilliseconds(row.RecordedAt),
            signedAt, new SignedHeadData(origin, claim.HeadSize ?? row.LogIndex + 1, signedAt));
        return (eventId, Serialize(eventId, WebhookEvents.DeltaVerified, claim.TenantId, claim.EventAt, data));
    }

    /// <summary>
    /// <c>record.committed</c> for one record entry covered by a signed head, in the contract's fields: <c>receiptId</c>,
    /// <c>status</c> (<c>committed</c>), <c>verifiedAt</c> (when the head was signed), <c>verificationId</c> (the head,
    /// <c>origin@treeSize</c>), <c>itemCount</c> (1: one event per entry), <c>records</c> (that entry) and
    /// <c>verification</c> (the signed head and where to check the receipt).
    /// </summary>
    private (string, byte[]) RecordCommitted(WebhookDeliveryStore.Claimed claim, RecordEntryRow row, string origin)
    {
        var eventId = ids.CommittedEventId(row.LedgerNo, row.LogIndex);
        var receiptId = ids.EntryReceiptId(row.LedgerNo, row.LogIndex);
        var signedAt = DateTimeOffset.FromUnixTimeMilliseconds(claim.EventAt);
        var treeSize = claim.HeadSize ?? row.LogIndex + 1;
        var verificationId = $"{origin}@{treeSize}";
        var item = new RecordItem(row.RecordType, row.EntityId, Ledger.RecordKey.Format(row.RecordKey), row.Seq, RecordLifecycles.Name(row.Stage), receiptId,
            Hex.Encode(row.ContentHash), row.LogIndex, DateTimeOffset.FromUnixTimeMilliseconds(row.RecordedAt));
        var data = new RecordCommittedData(receiptId, RecordViews.Committed, signedAt, verificationId, 1, [item],
            new RecordVerification(true, origin, treeSize, signedAt, $"/api/v1/verify/receipt/{receiptId}"));
        return (eventId, Serialize(eventId, WebhookEvents.RecordCommitted, claim.TenantId, claim.EventAt, data));
    }

    private (string, byte[]) CheckpointVerified(WebhookDeliveryStore.Claimed claim, CheckpointRow row)
    {
        var data = new CheckpointVerifiedData(row.CheckpointId, row.Period, row.TimePreset, DateTimeOffset.FromUnixTimeMilliseconds(row.WindowStart),
            DateTimeOffset.FromUnixTimeMilliseconds(row.WindowEnd), row.FromSize, row.ToSize, row.ProofRoot, row.PrevRoot, row.BalancesRoot, row.CustomerCount,
            row.DeltaCount, row.NetChange, DateTimeOffset.FromUnixTimeMilliseconds(row.ClosedAt));
        return (claim.EventId!, Serialize(claim.EventId!, WebhookEvents.CheckpointVerified, claim.TenantId, claim.EventAt, data));
    }

    private byte[] Serialize<T>(string eventId, string eventType, string tenantId, long createdAt, T data) =>
        JsonSerializer.SerializeToUtf8Bytes(new Envelope<T>(eventId, eventType, tenantId, options.Value.EnvironmentName, DateTimeOffset.FromUnixTimeMilliseconds(createdAt), data),
            JsonDefaults.Options);

    private sealed record Envelope<T>(string Id, string Event, string TenantId, string Environment, DateTimeOffset CreatedAt, T Data);

    /// <summary>
    /// <c>delta.verified</c>: the contract's fields (recordId, receiptId, verificationReference, customerId, delta,
    /// sequenceNumber as a string, referenceId, blockTimestamp — here the time the signed head was made) and what checks it:
    /// the content hash and version, the place in the log, and the signed head that covers it.
    /// </summary>
    private sealed record DeltaVerifiedData(
        string RecordId,
        string ReceiptId,
        string VerificationReference,
        string CustomerId,
        long Delta,
        string SequenceNumber,
        string? ReferenceId,
        string Reason,
        string ContentHash,
        int ContentVersion,
        long LogIndex,
        long BalanceAfter,
        DateTimeOffset RecordedAt,
        DateTimeOffset BlockTimestamp,
        SignedHeadData SignedHead);

    /// <summary>The signed head that first covered a delta: its log, size and signing time (GET /api/v1/verify/... checks it).</summary>
    private sealed record SignedHeadData(string Origin, long TreeSize, DateTimeOffset SignedAt);

    private sealed record RecordCommittedData(
        string ReceiptId,
        string Status,
        DateTimeOffset VerifiedAt,
        string VerificationId,
        int ItemCount,
        IReadOnlyList<RecordItem> Records,
        RecordVerification Verification);

    /// <summary>One committed record entry in a <c>record.committed</c> event.</summary>
    private sealed record RecordItem(string RecordType, string EntityId, string RecordKey, long Seq, string Lifecycle, string ReceiptId, string ContentHash,
        long LogIndex, DateTimeOffset RecordedAt);

    /// <summary>The signed head that first covered the entry, and the public route that proves it.</summary>
    private sealed record RecordVerification(bool Verified, string Origin, long TreeSize, DateTimeOffset SignedAt, string VerifyUrl);

    private sealed record CheckpointVerifiedData(
        string CheckpointId,
        string Period,
        string? TimePreset,
        DateTimeOffset StartDate,
        DateTimeOffset EndDate,
        long FromSize,
        long ToSize,
        string ProofRoot,
        string PreviousProofRoot,
        string BalancesRoot,
        long CustomerCount,
        long DeltaCount,
        long NetChange,
        DateTimeOffset ClosedAt);

    private sealed record PingData(string EndpointId, string Message);
}
