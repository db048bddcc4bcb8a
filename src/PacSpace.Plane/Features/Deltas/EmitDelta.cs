using System.Text.Json;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;
using PacSpace.Plane.Features.Keys;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Deltas;

/// <summary>
/// Records one delta: QUEUED once durable, VERIFIED when the sequencer has appended it. A replay answers what the first
/// request was answered. A delta that adjusts another must name a committed delta of its customer (<see cref="AdjustedDeltas"/>).
/// </summary>
internal sealed class EmitDelta(DeltaWriter writer, AdjustedDeltas adjusted, EntryIds ids)
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

    /// <summary>The answer's shape (for the OpenAPI document); <see cref="Emitted"/> writes it.</summary>
    public sealed record EmitView(string RecordId, string ReceiptId, string CustomerId, long Delta, string Status, string ContentHash);

    public async Task<Result<Emitted>> HandleAsync(ApiCaller caller, Input input, CancellationToken ct)
    {
        var refused = await adjusted.CheckAsync(caller.TenantId, input.Delta, ct);
        var outcome = await writer.WriteAsync(caller.TenantId, caller.Plan, input.Delta, input.IdempotencyKey, refused, ct);
        if (outcome.Error is { } error)
        {
            return error;
        }

        return new Emitted(outcome.Row!, ids);
    }

    /// <summary>
    /// The recorded (or replayed) delta as <see cref="EmitView"/>, written straight from its row: the ids and the content hash
    /// go into the JSON from the stack, never as strings.
    /// </summary>
    public sealed class Emitted(DeltaRow row, EntryIds ids) : IJsonData
    {
        public DeltaRow Row => row;

        public void WriteTo(Utf8JsonWriter writer)
        {
            Span<char> id = stackalloc char[EntryIds.IdLength];
            writer.WriteStartObject();
            if (row.RecordId.Length > 0)
            {
                // Finished already (a replay of a stored delta, whose ids may be legacy ones).
                writer.WriteString("recordId", row.RecordId);
                writer.WriteString("receiptId", row.ReceiptId);
            }
            else
            {
                ids.RecordIdInto(row.LedgerNo, row.LogIndex, id);
                writer.WriteString("recordId", id);
                ids.ReceiptIdInto(row.LedgerNo, row.LogIndex, id);
                writer.WriteString("receiptId", id);
            }

            writer.WriteString("customerId", row.CustomerId);
            writer.WriteNumber("delta", row.Amount);
            writer.WriteString("status", DeltaStatus.Queued);
            Span<char> hex = stackalloc char[row.ContentHash.Length * 2];
            Convert.TryToHexStringLower(row.ContentHash, hex, out _);
            writer.WriteString("contentHash", hex);
            writer.WriteEndObject();
        }
    }
}
