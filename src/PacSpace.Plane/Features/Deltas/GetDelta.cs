using System.Text.Json;
using Microsoft.Extensions.Options;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Ledger;
using PacSpace.Plane.Features.Keys;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Deltas;

/// <summary>
/// One of the caller's deltas: its status, its content as committed (the canonical delta its content hash covers, in the
/// content version it was recorded under), and once appended, where it sits in the log.
/// </summary>
internal sealed class GetDelta(Database db, EntryIds ids, IOptions<PlaneOptions> options)
{
    public sealed record Input(string RecordId);

    public sealed record StatusView(
        string RecordId,
        string Status,
        string CustomerId,
        long Delta,
        string ContentHash,
        long? SequenceNumber,
        string ReceiptId,
        DateTimeOffset? VerifiedAt,
        ProofView? Proof,
        JsonElement Content,
        int ContentVersion);

    /// <param name="VerifyUrl">The receipt's verification page (checked in the browser), a path on the address the caller used.</param>
    /// <param name="VerificationApiUrl">The receipt's public JSON route, for programs and <c>pacspace verify</c>.</param>
    public sealed record ProofView(long LogIndex, long TreeSize, long CustomerSeq, long? PrevCustomerIndex, long BalanceAfter, DateTimeOffset RecordedAt, string VerifyUrl,
        string VerificationApiUrl);

    /// <summary>Where anyone checks a delta's receipt (the dashboard's lists link the same place).</summary>
    public static string VerifyUrlOf(string receiptId) => Verify.VerifyPages.ReceiptPath(receiptId);

    public async Task<Result<StatusView>> HandleAsync(ApiCaller caller, Input input, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var log = await TenantLedgerStore.ScopeAsync(connection, ids, caller.TenantId, ct);
        var row = Ids.IsValid(input.RecordId, "rec") ? await DeltaStore.FindAsync(connection, log, input.RecordId, ct) : null;
        if (row is null)
        {
            return Error.NotFound("delta");
        }

        // Until a signed head covers it, a delta is QUEUED and shows no place in the log: nothing could prove it yet.
        var head = row.Status == DeltaStatus.Verified ? await DeltaStore.HeadCoveringAsync(connection, row.LedgerNo, row.LogIndex, ct) : null;
        var proof = head is null
            ? null
            : new ProofView(row.LogIndex, head.Size, row.CustomerSeq, row.PrevIndex, row.BalanceAfter, DateTimeOffset.FromUnixTimeMilliseconds(row.RecordedAt),
                VerifyUrlOf(row.ReceiptId), $"/api/v1/verify/receipt/{row.ReceiptId}");
        var content = row.Content(caller.TenantId, options.Value.EnvironmentName);
        return new StatusView(row.RecordId, head is null ? DeltaStatus.Queued : DeltaStatus.Verified, row.CustomerId, row.Amount, row.ContentHashHex,
            head is null ? null : row.CustomerSeq, row.ReceiptId, head is null ? null : DateTimeOffset.FromUnixTimeMilliseconds(head.SignedAt), proof,
            JsonDocument.Parse(content.Canonical()).RootElement.Clone(), content.Version);
    }
}
