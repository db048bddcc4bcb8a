using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;
using PacSpace.Ledger;
using PacSpace.Plane.Features.Deltas;

namespace PacSpace.Plane.Tests;

/// <summary>
/// How the delta routes read their bodies before they had a reader of their own: <see cref="JsonBody.ReadAsync"/> (a
/// document, the text check, a <see cref="FieldReader"/>), then the field rules as NewDelta.Parse and the batch handler
/// applied them. Kept word for word as the reference the new reader must answer like.
/// </summary>
internal static class LegacyDeltaBody
{
    public static async Task<Result<NewDelta>> ReadDeltaAsync(HttpRequest request)
    {
        var body = await JsonBody.ReadAsync(request, default);
        return body.IsSuccess ? Parse(body.Value) : body.Error!;
    }

    public static async Task<Result<IReadOnlyList<Result<NewDelta>>>> ReadBatchAsync(HttpRequest request)
    {
        var body = await JsonBody.ReadAsync(request, default);
        if (!body.IsSuccess)
        {
            return body.Error!;
        }

        if (body.Value.Raw("deltas") is not { ValueKind: JsonValueKind.Array } items || items.GetArrayLength() is 0 or > EmitDeltaBatch.MaxBatchItems)
        {
            return Error.Validation("deltas", $"must be an array of 1 to {EmitDeltaBatch.MaxBatchItems} delta objects");
        }

        var results = new List<Result<NewDelta>>();
        var index = 0;
        foreach (var item in items.EnumerateArray())
        {
            var i = index++;
            results.Add(item.ValueKind != JsonValueKind.Object
                ? Error.Validation($"deltas[{i}]", "must be an object")
                : Parse(new FieldReader(item, $"deltas[{i}].")));
        }

        return results;
    }

    public static Result<NewDelta> Parse(FieldReader f)
    {
        var customerId = f.String("customerId", required: true, 1, NewDelta.MaxCustomerId, trim: false, TextRule.Line);
        var reason = f.String("reason", required: true, 1, NewDelta.MaxReason, trim: false, TextRule.Prose);
        var referenceId = f.String("referenceId", required: false, 1, NewDelta.MaxReferenceId, trim: false, TextRule.Line);
        long amount = 0;
        if (f.Raw("delta") is not { } delta)
        {
            f.Add("delta", "is required; a non-zero integer from -1000000000 to 1000000000");
        }
        else if (delta.ValueKind != JsonValueKind.Number || !decimal.TryParse(delta.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            f.Add("delta", "must be a number (a non-zero integer from -1000000000 to 1000000000)");
        }
        else if (d != decimal.Truncate(d))
        {
            f.Add("delta", "must be a whole number; fractions are not accepted");
        }
        else if (d == 0 || Math.Abs(d) > NewDelta.MaxAmount)
        {
            f.Add("delta", "must be a non-zero integer from -1000000000 to 1000000000");
        }
        else
        {
            amount = (long)d;
        }

        JsonElement? metadata = null;
        if (f.Raw("metadata") is { } m)
        {
            if (DeltaContent.CheckMetadata(m) is { } problem)
            {
                f.Add("metadata", problem);
            }
            else
            {
                metadata = m.Clone();
            }
        }

        string? adjusts = null;
        if (f.Raw("adjusts") is { } a)
        {
            adjusts = ParseAdjusts(a, f);
        }

        return f.HasErrors ? f.ToError() : new NewDelta(customerId!, amount, reason!, referenceId, metadata, adjusts is null ? null : DeltaAdjusts.Parse(adjusts));
    }

    private static string? ParseAdjusts(JsonElement a, FieldReader f)
    {
        if (a.ValueKind != JsonValueKind.Object)
        {
            f.Add("adjusts", "must be an object: {\"referenceId\": \"…\"} or {\"recordId\": \"…\"}");
            return null;
        }

        var names = a.EnumerateObject().Select(p => p.Name).ToList();
        if (names.Count != 1 || names[0] is not ("referenceId" or "recordId") || a.GetProperty(names[0]).ValueKind != JsonValueKind.String
            || a.GetProperty(names[0]).GetString() is not { Length: > 0 and <= NewDelta.MaxReferenceId })
        {
            f.Add("adjusts", "must be {\"referenceId\": \"…\"} or {\"recordId\": \"…\"} with a non-empty string");
            return null;
        }

        return Encoding.UTF8.GetString(Jcs.Canonicalize(a));
    }
}
