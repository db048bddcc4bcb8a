using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Json;
using PacSpace.Hosting.Web;
using PacSpace.Plane.Features.Keys;
using PacSpace.Plane.Features.Scopes;

namespace PacSpace.Plane.Features.Records;

/// <summary>
/// The Records API (machine-action records) under <c>/api/v1/records/{recordType}/{entityId}</c>: <c>POST …/transitions</c>,
/// <c>GET …/receipts/{seq}</c> and <c>GET …/history</c>. Both path values are read from the raw request target, each
/// segment decoded on its own (the official clients percent-encode them with nothing kept safe).
/// </summary>
internal static class RecordEndpoints
{
    /// <summary>The transition body, for the OpenAPI document (the endpoint reads the JSON itself, see <see cref="NewTransition.Read"/>).</summary>
    public sealed record TransitionRequest(string Lifecycle, ContentRequest Content, string? ReferenceId);

    /// <summary>What the entry says; hashed as sent (only these members).</summary>
    public sealed record ContentRequest(string Title, string OccurredAt, string ActorId, IReadOnlyList<PayloadRequest> Payloads, string? Kind, string? InstructedBy,
        string? Description, string? Note, IReadOnlyList<EntryRequest>? References, EntryRequest? Amends);

    /// <summary>A payload fingerprint: alg <c>sha-256</c>, 64 lower-case hex digits, the size in bytes (an integer or its decimal string).</summary>
    public sealed record PayloadRequest(string Alg, string Digest, JsonElement ByteLength);

    /// <summary>One entry of a record: its key and seq (from 0).</summary>
    public sealed record EntryRequest(string RecordKey, long Seq);

    public const string NextFromSeqHeader = "X-Next-From-Seq";

    public static IServiceCollection AddRecords(this IServiceCollection services) =>
        services.AddSingleton<EmitTransition>().AddSingleton<GetRecordReceipt>().AddSingleton<GetRecordHistory>();

    public static void MapRecords(this RouteGroupBuilder api)
    {
        var records = api.MapGroup("/records/{recordType}/{entityId}").WithTags("Records");
        records.MapPost("/transitions", async (string recordType, string entityId, HttpContext http, EmitTransition handler, CancellationToken ct) =>
            {
                var key = IdempotencyKey.Read(http.Request);
                if (!key.IsSuccess)
                {
                    return Envelope.Fail(key.Error!);
                }

                var body = await JsonBody.ReadAsync(http.Request, ct);
                var path = Path(http, 3, recordType, entityId);
                if (!body.IsSuccess)
                {
                    return Envelope.Fail(body.Error!);
                }

                if (!path.IsSuccess)
                {
                    return Envelope.Fail(path.Error!);
                }

                var transition = NewTransition.Read(body.Value.Root);
                if (!transition.IsSuccess)
                {
                    return Envelope.Fail(transition.Error!);
                }

                var input = new EmitTransition.Input(path.Value.RecordType, path.Value.EntityId, transition.Value, key.Value);
                return Envelope.From(await handler.HandleAsync(ApiCaller.Of(http), input, ct), view => Envelope.Ok(view, 201));
            })
            .AcceptsJson<TransitionRequest>().Produces<RecordViews.EmitView>(201);

        records.MapGet("/receipts/{seq}", async (string recordType, string entityId, string seq, HttpContext http, GetRecordReceipt handler, CancellationToken ct) =>
            {
                var path = Path(http, 4, recordType, entityId);
                var problems = path.IsSuccess ? [] : path.Error!.Details!.ToList();
                var n = Whole(RawPath.LastSegment(http, seq));
                if (n is null)
                {
                    problems.Add(new ErrorDetail("seq", $"must be a whole number from 0 to {NewTransition.MaxWhole}: the entry's place in its record, counted from 0"));
                }

                return problems.Count > 0
                    ? Envelope.Fail(Error.Validation(problems))
                    : Envelope.From(await handler.HandleAsync(ApiCaller.Of(http), new GetRecordReceipt.Input(path.Value.RecordType, path.Value.EntityId, n!.Value), ct),
                        view => Envelope.Ok(view));
            })
            .Produces<RecordViews.ReceiptView>();

        records.MapGet("/history", async (string recordType, string entityId, HttpContext http, GetRecordHistory handler, CancellationToken ct) =>
            {
                var path = Path(http, 3, recordType, entityId);
                var query = new QueryFields(http.Request.Query);
                var problems = path.IsSuccess ? [] : path.Error!.Details!.ToList();
                var from = query.Integer("fromSeq", 0, 0, NewTransition.MaxWhole);
                long? to = query.String("toSeq") is null ? null : query.Integer("toSeq", 0, 0, NewTransition.MaxWhole);
                int? limit = query.String("limit") is null ? null : (int)query.Integer("limit", 1, 1, 1000);
                problems.AddRange(query.Errors);
                if (problems.Count == 0 && to < from)
                {
                    problems.Add(new ErrorDetail("toSeq", "must not be below fromSeq (both count from 0 and both are included)"));
                }

                if (problems.Count > 0)
                {
                    return Envelope.Fail(Error.Validation(problems));
                }

                var history = await handler.HandleAsync(ApiCaller.Of(http), new GetRecordHistory.Input(path.Value.RecordType, path.Value.EntityId, from, to, limit), ct);
                if (!history.IsSuccess)
                {
                    return Envelope.Fail(history.Error!);
                }

                if (history.Value.NextFromSeq is long next)
                {
                    http.Response.Headers[NextFromSeqHeader] = next.ToString(CultureInfo.InvariantCulture);
                }

                // Un-enveloped: the official client returns this object as it is (its schema member marks it).
                return Results.Json(history.Value.Bundle, JsonDefaults.Options, "application/json; charset=utf-8");
            })
            .Produces<GetRecordHistory.Bundle>()
            .QueryParameters(("fromSeq", "first entry, from 0 (default 0)"), ("toSeq", "last entry, included (default: the record's last)"),
                ("limit", "most entries in this answer (default and most: Plane:RecordHistoryPage, 100)"));
    }

    /// <summary>The record type and entity id: the path segments <paramref name="fromEnd"/> and one less places from the end, decoded on their own.</summary>
    private static Result<(string RecordType, string EntityId)> Path(HttpContext http, int fromEnd, string recordType, string entityId)
    {
        var type = RawPath.SegmentFromEnd(http, fromEnd, recordType);
        var entity = RawPath.SegmentFromEnd(http, fromEnd - 1, entityId);
        var problems = new List<ErrorDetail>();
        if (NewTransition.PathProblem(type, NewTransition.MaxRecordType) is { } t)
        {
            problems.Add(new ErrorDetail("recordType", t));
        }

        if (NewTransition.PathProblem(entity, NewTransition.MaxEntityId) is { } e)
        {
            problems.Add(new ErrorDetail("entityId", e));
        }

        return problems.Count > 0 ? Error.Validation(problems) : (type, entity);
    }

    private static long? Whole(string text) =>
        text.Length is > 0 and <= 16 && text.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0 && long.Parse(text, CultureInfo.InvariantCulture) is var n
            && n <= NewTransition.MaxWhole
            ? n
            : null;
}
