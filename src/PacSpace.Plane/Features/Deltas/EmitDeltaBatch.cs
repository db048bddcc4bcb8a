using System.Text.Json;
using System.Text.Json.Serialization;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;
using PacSpace.Plane.Features.Keys;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Deltas;

/// <summary>
/// Records up to <see cref="MaxBatchItems"/> deltas. Items are independent: a bad one fails alone. Each gets its own
/// idempotency key derived from the batch's, so a retried batch replays. An item that adjusts another must name a delta
/// committed before the batch, of its customer (<see cref="AdjustedDeltas"/>).
/// </summary>
internal sealed class EmitDeltaBatch(DeltaWriter writer, AdjustedDeltas adjusted, EntryIds ids)
{
    public const int MaxBatchItems = 100;

    // Field names of item i carry "deltas[i]."; made once rather than per item.
    private static readonly string[] ItemPrefixes = [.. Enumerable.Range(0, MaxBatchItems).Select(i => $"deltas[{i}].")];

    /// <param name="IdempotencyKey">The well-formed <c>Idempotency-Key</c>, or none.</param>
    /// <param name="Deltas">Each item of <c>deltas</c>: a delta, or why it is not one.</param>
    public sealed record Input(string? IdempotencyKey, IReadOnlyList<Result<NewDelta>> Deltas)
    {
        /// <summary>
        /// Reads the JSON body <c>{"deltas": [...]}</c>, refused as a whole as <see cref="JsonBody.ReadAsync"/> would,
        /// or when <c>deltas</c> is not an array of 1 to <see cref="MaxBatchItems"/> items; each item is then judged alone.
        /// </summary>
        public static Result<Input> Read(string? idempotencyKey, ReadOnlySpan<byte> body)
        {
            var json = new JsonBodyReader(body);
            try
            {
                List<Result<NewDelta>>? items = null;
                var isArray = false;
                var count = 0;
                while (json.Read())
                {
                    if (json.CurrentDepth != 1 || json.TokenType != JsonTokenType.PropertyName || !json.NameIs("deltas"u8) || !json.Read())
                    {
                        continue;
                    }

                    isArray = json.TokenType == JsonTokenType.StartArray;
                    count = 0;
                    items?.Clear();
                    if (!isArray)
                    {
                        json.Skip();
                        continue;
                    }

                    while (json.Read() && json.TokenType != JsonTokenType.EndArray)
                    {
                        var index = count++;
                        if (json.TokenType != JsonTokenType.StartObject)
                        {
                            json.Skip();
                            if (index < MaxBatchItems)
                            {
                                (items ??= []).Add(Error.Validation($"deltas[{index}]", "must be an object"));
                            }

                            continue;
                        }

                        var fields = new NewDelta.Fields();
                        while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
                        {
                            fields.Take(ref json);
                        }

                        // Judged now, while the item is at hand, unless the body is refused anyway.
                        if (index < MaxBatchItems && !json.Refused)
                        {
                            (items ??= []).Add(fields.ToDelta(body, ItemPrefixes[index]));
                        }
                    }
                }

                if (json.Finish() is { } refused)
                {
                    return refused;
                }

                return !isArray || count is 0 or > MaxBatchItems
                    ? Error.Validation("deltas", $"must be an array of 1 to {MaxBatchItems} delta objects")
                    : new Input(idempotencyKey, items!);
            }
            finally
            {
                json.Dispose();
            }
        }
    }

    public sealed record BatchResult(
        int Index,
        string Status,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RecordId,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ReceiptId,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] BatchError? Error,
        bool Idempotent);

    public sealed record BatchError(string Code, string Message, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ErrorDetail>? Details);

    public sealed record BatchView(int TotalQueued, int TotalFailed, IReadOnlyList<BatchResult> Results);

    public async Task<Result<BatchView>> HandleAsync(ApiCaller caller, Input input, CancellationToken ct)
    {
        var key = input.IdempotencyKey;
        var refused = await adjusted.CheckAsync(caller.TenantId, input.Deltas, static i => ItemPrefixes[i], ct);
        var tasks = new Task<WriteOutcome>[input.Deltas.Count];
        for (var i = 0; i < tasks.Length; i++)
        {
            var item = input.Deltas[i];
            tasks[i] = item.IsSuccess
                ? writer.WriteAsync(caller.TenantId, caller.Plan, item.Value, key is null ? null : $"{key}#{i}", refused[i], ct)
                : Task.FromResult(WriteOutcome.Failed(item.Error!));
        }

        var outcomes = await Task.WhenAll(tasks);
        var results = outcomes.Select((o, i) => o.Error is { } e
            ? new BatchResult(i, DeltaStatus.Failed, null, null, new BatchError(e.Code, e.Message, e.Details), false)
            : new BatchResult(i, DeltaStatus.Queued, Finished(o.Row!).RecordId, o.Row!.ReceiptId, null, o.Replayed)).ToList();
        var queued = results.Count(r => r.Status == DeltaStatus.Queued);
        return new BatchView(queued, results.Count - queued, results);
    }

    private DeltaRow Finished(DeltaRow row) => row.RecordId.Length == 0 ? row.Finish(ids, 0) : row;
}
