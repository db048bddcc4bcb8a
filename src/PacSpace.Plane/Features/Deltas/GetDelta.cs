using System.Text.Json;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Plane.Features.Keys;

namespace PacSpace.Plane.Features.Deltas;

/// <summary>One of the caller's deltas: its status, its content as committed, and once appended, where it sits in the log.</summary>
internal sealed class GetDelta(Database db)
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
        JsonElement Content);

    public sealed record ProofView(long LogIndex, long TreeSize, long CustomerSeq, long? PrevCustomerIndex, long BalanceAfter, DateTimeOffset RecordedAt, string VerifyUrl);

    public async Task<Result<StatusView>> HandleAsync(ApiCaller caller, Input input, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = Ids.IsValid(input.RecordId, "rec") ? await DeltaStore.FindAsync(connection, caller.TenantId, input.RecordId, ct) : null;
        if (row is null)
        {
            return Error.NotFound("delta");
        }

        var proof = row.LogIndex is long index
            ? new ProofView(index, row.HeadSize!.Value, row.CustomerSeq!.Value, row.PrevIndex, row.BalanceAfter!.Value,
                DateTimeOffset.FromUnixTimeMilliseconds(row.RecordedAt!.Value), $"/api/v1/verify/receipt/{row.ReceiptId}")
            : null;
        return new StatusView(row.RecordId, row.Status, row.CustomerId, row.Amount, row.ContentHash, row.CustomerSeq, row.ReceiptId,
            row.VerifiedAt is long v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null, proof, JsonDocument.Parse(row.Canonical!).RootElement.Clone());
    }
}
