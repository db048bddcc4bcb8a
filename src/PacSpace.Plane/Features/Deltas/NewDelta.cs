using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;
using PacSpace.Ledger;

namespace PacSpace.Plane.Features.Deltas;

/// <summary>A validated delta as the client sent it, before the server adds anything.</summary>
internal sealed record NewDelta(string CustomerId, long Amount, string Reason, string? ReferenceId, JsonElement? Metadata, string? Adjusts)
{
    public const long MaxAmount = 1_000_000_000;
    public const int MaxCustomerId = 256;
    public const int MaxReason = 500;
    public const int MaxReferenceId = 256;

    /// <summary>
    /// Reads one delta object. <c>delta</c> may come as <c>-42</c> or <c>-42.0</c> (the Python client sends
    /// floats); a fraction, zero or a value beyond ±1e9 is refused. Text fields are taken exactly as sent:
    /// they are hashed, and a client must be able to recompute the hash. Identifiers hold no control or
    /// bidirectional formatting characters; the reason may also hold tabs and line feeds.
    /// </summary>
    public static Result<NewDelta> Parse(FieldReader f)
    {
        var customerId = f.String("customerId", required: true, 1, MaxCustomerId, trim: false, TextRule.Line);
        var reason = f.String("reason", required: true, 1, MaxReason, trim: false, TextRule.Prose);
        var referenceId = f.String("referenceId", required: false, 1, MaxReferenceId, trim: false, TextRule.Line);
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
        else if (d == 0 || Math.Abs(d) > MaxAmount)
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

        return f.HasErrors ? f.ToError() : new NewDelta(customerId!, amount, reason!, referenceId, metadata, adjusts);
    }

    /// <summary>The content this delta commits to in the log.</summary>
    public DeltaContent Content(string tenantId, string env) => new(tenantId, env, CustomerId, Amount, Reason, ReferenceId, Metadata);

    /// <summary>What makes two requests "the same body" for idempotency: the content hash and the adjustment.</summary>
    public static string RequestHash(byte[] contentHash, string? adjusts) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Hex.Encode(contentHash) + "\n" + adjusts)));

    // {referenceId} or {recordId}: which earlier delta this one corrects. Kept as canonical JSON.
    private static string? ParseAdjusts(JsonElement a, FieldReader f)
    {
        if (a.ValueKind != JsonValueKind.Object)
        {
            f.Add("adjusts", "must be an object: {\"referenceId\": \"…\"} or {\"recordId\": \"…\"}");
            return null;
        }

        var names = a.EnumerateObject().Select(p => p.Name).ToList();
        if (names.Count != 1 || names[0] is not ("referenceId" or "recordId") || a.GetProperty(names[0]).ValueKind != JsonValueKind.String
            || a.GetProperty(names[0]).GetString() is not { Length: > 0 and <= MaxReferenceId })
        {
            f.Add("adjusts", "must be {\"referenceId\": \"…\"} or {\"recordId\": \"…\"} with a non-empty string");
            return null;
        }

        return Encoding.UTF8.GetString(Jcs.Canonicalize(a));
    }
}
