using PacSpace.Hosting.Errors;
using PacSpace.Plane.Features.Keys;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Deltas;

/// <summary>
/// Records one delta: QUEUED once durable, VERIFIED when the sequencer has appended it. A replay answers what the first
/// request was answered. A delta that adjusts another must name a committed delta of its customer (<see cref="AdjustedDeltas"/>).
/// </summary>
internal sealed class EmitDelta(DeltaWriter writer, AdjustedDeltas adjusted)
{
    /// <param name="IdempotencyKey">The well-formed <c>Idempotency-Key</c>, or none.</param>
    /// <param name="Delta">The delta the body holds.</param>
    public sealed record Input(string? IdempotencyKey, NewDelta Delta)
    {
        /// <summary>Reads the JSON body: one delta object (<see cref="NewDelta.Read"/>).</summary>
        public static Result<Input> Read(string? idempotencyKey, ReadOnlySpan<byte> body)
        {
            var delta = NewDelta.Read(body);
            return delta.IsSuccess ? new Input(idempotencyKey, delta.Value) : delta.Error!;
        }
    }

    public sealed record EmitView(string RecordId, string ReceiptId, string CustomerId, long Delta, string Status, string ContentHash);

    public async Task<Result<EmitView>> HandleAsync(ApiCaller caller, Input input, CancellationToken ct)
    {
        var refused = await adjusted.CheckAsync(caller.TenantId, input.Delta, ct);
        var outcome = await writer.WriteAsync(caller.TenantId, caller.Plan, input.Delta, input.IdempotencyKey, refused, ct);
        if (outcome.Error is { } error)
        {
            return error;
        }

        var row = outcome.Row!;
        return new EmitView(row.RecordId, row.ReceiptId, row.CustomerId, row.Amount, DeltaStatus.Queued, row.ContentHashHex);
    }
}
