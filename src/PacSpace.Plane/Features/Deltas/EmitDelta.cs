using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;
using PacSpace.Plane.Features.Keys;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Deltas;

/// <summary>Records one delta: QUEUED once durable, VERIFIED when the sequencer has appended it. A replay answers what the first request was answered.</summary>
internal sealed class EmitDelta(DeltaWriter writer)
{
    /// <param name="IdempotencyKey">The well-formed <c>Idempotency-Key</c>, or none.</param>
    /// <param name="Body">The JSON object sent.</param>
    public sealed record Input(string? IdempotencyKey, FieldReader Body);

    public sealed record EmitView(string RecordId, string ReceiptId, string CustomerId, long Delta, string Status, string ContentHash);

    public async Task<Result<EmitView>> HandleAsync(ApiCaller caller, Input input, CancellationToken ct)
    {
        var delta = NewDelta.Parse(input.Body);
        if (!delta.IsSuccess)
        {
            return delta.Error!;
        }

        var outcome = await writer.WriteAsync(caller.TenantId, caller.Plan, delta.Value, input.IdempotencyKey, ct);
        if (outcome.Error is { } error)
        {
            return error;
        }

        var row = outcome.Row!;
        return new EmitView(row.RecordId, row.ReceiptId, row.CustomerId, row.Amount, DeltaStatus.Queued, row.ContentHashHex);
    }
}
