using System.Text.Json;
using System.Text.Json.Serialization;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;
using PacSpace.Plane.Features.Keys;

namespace PacSpace.Plane.Features.Deltas;

/// <summary>
/// Records up to <see cref="MaxBatchItems"/> deltas. Items are independent: a bad one fails alone. Each gets its own
/// idempotency key derived from the batch's, so a retried batch replays.
/// </summary>
internal sealed class EmitDeltaBatch(DeltaWriter writer)
{
    public const int MaxBatchItems = 100;

    public sealed record BatchResult(
        int Index,
        string Status,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RecordId,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ReceiptId,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] BatchError? Error,
        bool Idempotent);

    public sealed record BatchError(string Code, string Message, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ErrorDetail>? Details);

    public sealed record BatchView(int TotalQueued, int TotalFailed, IReadOnlyList<BatchResult> Results);

    public async Task<Result<BatchView>> HandleAsync(ApiCaller caller, EmitDelta.Input input, CancellationToken ct)
    {
        var key = input.IdempotencyKey;
        if (input.Body.Raw("deltas") is not { ValueKind: JsonValueKind.Array } items || items.GetArrayLength() is 0 or > MaxBatchItems)
        {
            return Error.Validation("deltas", $"must be an array of 1 to {MaxBatchItems} delta objects");
        }

        var tasks = new List<Task<WriteOutcome>>();
        var index = 0;
        foreach (var item in items.EnumerateArray())
        {
            var i = index++;
            if (item.ValueKind != JsonValueKind.Object)
            {
                tasks.Add(Task.FromResult(WriteOutcome.Failed(Error.Validation($"deltas[{i}]", "must be an object"))));
                continue;
            }

            var parsed = NewDelta.Parse(new FieldReader(item, $"deltas[{i}]."));
            tasks.Add(parsed.IsSuccess
                ? writer.WriteAsync(caller.TenantId, caller.Plan, parsed.Value, key is null ? null : $"{key}#{i}", ct)
                : Task.FromResult(WriteOutcome.Failed(parsed.Error!)));
        }

        var outcomes = await Task.WhenAll(tasks);
        var results = outcomes.Select((o, i) => o.Error is { } e
            ? new BatchResult(i, DeltaStatus.Failed, null, null, new BatchError(e.Code, e.Message, e.Details), false)
            : new BatchResult(i, DeltaStatus.Queued, o.Row!.RecordId, o.Row.ReceiptId, null, o.Replayed)).ToList();
        var queued = results.Count(r => r.Status == DeltaStatus.Queued);
        return new BatchView(queued, results.Count - queued, results);
    }
}
