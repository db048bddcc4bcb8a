using System.Text.Json;
using System.Text.Json.Serialization;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PacSpace.Plane.Features.Keys;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.Plane.Features.Deltas;

/// <summary><c>POST /api/v1/balance/delta</c>, <c>/delta/batch</c> and <c>GET /delta/{recordId}</c>.</summary>
internal static class DeltaEndpoints
{
    public const int MaxBatchItems = 100;
    private const int MaxIdempotencyKey = 255;

    /// <summary>The emit body, for the OpenAPI document (the handler reads the JSON itself, see <see cref="NewDelta.Parse"/>).</summary>
    public sealed record EmitRequest(string CustomerId, long Delta, string Reason, string? ReferenceId, JsonElement? Metadata, AdjustsRequest? Adjusts);

    /// <summary>Which earlier delta a correction refers to.</summary>
    public sealed record AdjustsRequest(string? ReferenceId, string? RecordId);

    /// <summary>The batch body, for the OpenAPI document.</summary>
    public sealed record BatchRequest(IReadOnlyList<EmitRequest> Deltas);

    public sealed record EmitView(string RecordId, string ReceiptId, string CustomerId, long Delta, string Status, string ContentHash);

    public sealed record BatchResult(
        int Index,
        string Status,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RecordId,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ReceiptId,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] BatchError? Error,
        bool Idempotent);

    public sealed record BatchError(string Code, string Message, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ErrorDetail>? Details);

    public sealed record BatchView(int TotalQueued, int TotalFailed, IReadOnlyList<BatchResult> Results);

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

    /// <returns>The <c>/balance</c> group, for the other Balance API routes.</returns>
    public static RouteGroupBuilder Map(RouteGroupBuilder api)
    {
        var balance = api.MapGroup("/balance").WithTags("Balance");
        balance.MapPost("/delta", EmitAsync).AcceptsJson<EmitRequest>().Produces<EmitView>(201);
        balance.MapPost("/delta/batch", BatchAsync).AcceptsJson<BatchRequest>().Produces<BatchView>(201);
        balance.MapGet("/delta/{recordId}", StatusAsync).Produces<StatusView>();
        return balance;
    }

    private static async Task<IResult> EmitAsync(HttpContext http, DeltaWriter writer, CancellationToken ct)
    {
        var request = await ReadRequestAsync(http, ct);
        if (!request.IsSuccess)
        {
            return Envelope.Fail(request.Error!);
        }

        var (caller, key, body) = request.Value;
        var delta = NewDelta.Parse(body);
        if (!delta.IsSuccess)
        {
            return Envelope.Fail(delta.Error!);
        }

        var outcome = await writer.WriteAsync(caller.TenantId, caller.Plan, delta.Value, key, ct);
        if (outcome.Error is { } error)
        {
            return Envelope.Fail(error);
        }

        // A replay answers exactly what the first request was answered.
        var row = outcome.Row!;
        return Envelope.Ok(new EmitView(row.record_id, row.receipt_id, row.customer_id, row.amount, DeltaStatus.Queued, row.content_hash), 201);
    }

    private static async Task<IResult> BatchAsync(HttpContext http, DeltaWriter writer, CancellationToken ct)
    {
        var request = await ReadRequestAsync(http, ct);
        if (!request.IsSuccess)
        {
            return Envelope.Fail(request.Error!);
        }

        var (caller, key, body) = request.Value;
        if (body.Raw("deltas") is not { ValueKind: JsonValueKind.Array } items || items.GetArrayLength() is 0 or > MaxBatchItems)
        {
            return Envelope.Fail(Error.Validation("deltas", $"must be an array of 1 to {MaxBatchItems} delta objects"));
        }

        // Items are independent: a bad one fails alone. Each gets its own key derived from the batch's, so a retried batch replays.
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
            : new BatchResult(i, DeltaStatus.Queued, o.Row!.record_id, o.Row.receipt_id, null, o.Replayed)).ToList();
        var queued = results.Count(r => r.Status == DeltaStatus.Queued);
        return Envelope.Ok(new BatchView(queued, results.Count - queued, results), 201);
    }

    private static async Task<IResult> StatusAsync(string recordId, HttpContext http, Database db, CancellationToken ct)
    {
        var caller = http.Features.Get<ApiCaller>()!;
        recordId = RawPath.LastSegment(http, recordId);
        await using var connection = await db.OpenAsync(ct);
        var row = Ids.IsValid(recordId, "rec")
            ? await connection.QuerySingleOrDefaultAsync<DeltaRow>(new CommandDefinition(
                $"SELECT {DeltaRow.Columns}, canonical FROM deltas WHERE record_id = @recordId AND tenant_id = @tenantId",
                new { recordId, tenantId = caller.TenantId }, cancellationToken: ct))
            : null;
        if (row is null)
        {
            return Envelope.Fail(Error.NotFound("delta"));
        }

        var proof = row.log_index is long index
            ? new ProofView(index, row.head_size!.Value, row.customer_seq!.Value, row.prev_index, row.balance_after!.Value,
                DateTimeOffset.FromUnixTimeMilliseconds(row.recorded_at!.Value), $"/api/v1/verify/receipt/{row.receipt_id}")
            : null;
        return Envelope.Ok(new StatusView(row.record_id, row.status, row.customer_id, row.amount, row.content_hash, row.customer_seq, row.receipt_id,
            row.verified_at is long v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null, proof, JsonDocument.Parse(row.canonical!).RootElement.Clone()));
    }

    /// <summary>What every write starts with: the caller, a well-formed Idempotency-Key (or none), a JSON object body.</summary>
    private static async Task<Result<(ApiCaller Caller, string? Key, FieldReader Body)>> ReadRequestAsync(HttpContext http, CancellationToken ct)
    {
        var key = ReadIdempotencyKey(http.Request);
        if (!key.IsSuccess)
        {
            return key.Error!;
        }

        var body = await JsonBody.ReadAsync(http.Request, ct);
        return body.IsSuccess ? (http.Features.Get<ApiCaller>()!, key.Value, body.Value) : body.Error!;
    }

    private static Result<string?> ReadIdempotencyKey(HttpRequest request)
    {
        var value = request.Headers["Idempotency-Key"].ToString();
        if (value.Length == 0)
        {
            return (string?)null;
        }

        return value.Length > MaxIdempotencyKey || value.Any(c => c < 0x21 || c > 0x7e)
            ? Error.Validation("Idempotency-Key", $"must be 1 to {MaxIdempotencyKey} visible ASCII characters")
            : value;
    }
}
