using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;
using PacSpace.Ledger;

namespace PacSpace.Plane.Features.Records;

/// <summary>One entry a record is to name: <c>{recordKey, seq}</c>, seq from 0.</summary>
internal sealed record EntryRef(string RecordKey, byte[] KeyHash, long Seq);

/// <summary>
/// A transition as the client sent it, checked on its own (before anything is read from the store): its lifecycle, the
/// content it commits to (only the members the API knows, as sent; null members left out) in canonical form, what it amends
/// and references, and its referenceId. Whether the record's state takes it is decided when it is appended.
/// </summary>
internal sealed record NewTransition(RecordLifecycle Lifecycle, JsonElement Content, byte[] CanonicalContent, EntryRef? Amends, IReadOnlyList<EntryRef> References,
    string? ReferenceId)
{
    public const int MaxRecordType = 100;
    public const int MaxEntityId = 256;
    public const int MaxTitle = 500;
    public const int MaxActorId = 256;
    public const int MaxKind = 100;
    public const int MaxText = 4000;
    public const int MaxOccurredAt = 64;
    public const int MaxReferenceId = 256;

    /// <summary>The largest byteLength and seq taken: exact as a JSON number in every client (2^53 − 1).</summary>
    public const long MaxWhole = 9_007_199_254_740_991;

    // Date and time as ISO 8601 writes them (Python's isoformat, JavaScript's toISOString), the offset optional.
    private static readonly Regex IsoDateTime = new(@"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}:?\d{2})?$",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, TimeSpan.FromSeconds(1));

    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    // The content members the API knows, in the order they are written before canonicalisation.
    private static readonly string[] Known = ["title", "occurredAt", "actorId", "payloads", "kind", "instructedBy", "description", "note", "references", "amends"];

    /// <summary>Why a record type or entity id from the path is refused, or null.</summary>
    public static string? PathProblem(string value, int maxLength) => FieldReader.TextProblem(value, 1, maxLength, TextRule.Line);

    /// <summary>Reads the body (a JSON object already refused for malformed JSON, duplicates and bad text by <see cref="JsonBody"/>).</summary>
    public static Result<NewTransition> Read(JsonElement body)
    {
        var problems = new Problems();
        var fields = new FieldReader(body);
        var referenceId = fields.String("referenceId", required: false, 1, MaxReferenceId, trim: false, rule: TextRule.Line);
        problems.AddValidation(fields.Errors);

        RecordLifecycle lifecycle = 0;
        if (!body.TryGetProperty("lifecycle", out var l) || l.ValueKind == JsonValueKind.Null)
        {
            problems.Validation("lifecycle", $"is required; must be one of {RecordLifecycles.Names}");
        }
        else if (l.ValueKind != JsonValueKind.String || !RecordLifecycles.TryParse(l.GetString(), out lifecycle))
        {
            problems.Validation("lifecycle", $"must be one of {RecordLifecycles.Names}");
        }

        EntryRef? amends = null;
        List<EntryRef> references = [];
        JsonElement content = default;
        byte[] canonical = [];
        if (!body.TryGetProperty("content", out var c) || c.ValueKind == JsonValueKind.Null)
        {
            problems.Validation("content", "is required; an object with title, occurredAt, actorId and payloads");
        }
        else if (c.ValueKind != JsonValueKind.Object)
        {
            problems.Validation("content", $"must be an object, not {FieldReader.Describe(c.ValueKind)}");
        }
        else
        {
            ReadContent(c, problems, out amends, references);
            if (amends is not null && lifecycle is RecordLifecycle.Recorded or RecordLifecycle.Closed)
            {
                problems.Add(RecordErrors.AmendsMismatch, "content.amends", $"a {RecordLifecycles.Name(lifecycle)} entry amends nothing; only an amended entry names what it amends");
            }
            else if (lifecycle == RecordLifecycle.Amended && !HasValue(c, "amends"))
            {
                problems.Add(RecordErrors.AmendsMismatch, "content.amends", "is required on an amended entry: the {recordKey, seq} of the entry it amends");
            }

            if (!problems.Any)
            {
                (content, canonical) = Canonical(c);
            }
        }

        return problems.Any ? problems.ToError() : new NewTransition(lifecycle, content, canonical, amends, references, referenceId);
    }

    private static void ReadContent(JsonElement c, Problems problems, out EntryRef? amends, List<EntryRef> references)
    {
        amends = null;
        Text(c, "title", required: true, MaxTitle, TextRule.Line, problems);
        Text(c, "actorId", required: true, MaxActorId, TextRule.Line, problems);
        Text(c, "kind", required: false, MaxKind, TextRule.Line, problems);
        Text(c, "instructedBy", required: false, MaxActorId, TextRule.Line, problems);
        Text(c, "description", required: false, MaxText, TextRule.Prose, problems);
        Text(c, "note", required: false, MaxText, TextRule.Prose, problems);
        if (Text(c, "occurredAt", required: true, MaxOccurredAt, TextRule.Line, problems) is { } occurredAt && !IsDateTime(occurredAt))
        {
            problems.Validation("content.occurredAt", "must be an ISO 8601 date and time such as 2026-10-01T12:00:00Z");
        }

        if (!c.TryGetProperty("payloads", out var payloads) || payloads.ValueKind == JsonValueKind.Null)
        {
            problems.Validation("content.payloads", "is required; an array of payload references {alg, digest, byteLength} (it may be empty)");
        }
        else if (payloads.ValueKind != JsonValueKind.Array)
        {
            problems.Validation("content.payloads", $"must be an array, not {FieldReader.Describe(payloads.ValueKind)}");
        }
        else if (payloads.GetArrayLength() > RecordErrors.MaxItems)
        {
            problems.Add(RecordErrors.LimitExceeded, "content.payloads", $"holds {payloads.GetArrayLength()} payload references; at most {RecordErrors.MaxItems}");
        }
        else
        {
            var i = 0;
            foreach (var payload in payloads.EnumerateArray())
            {
                Payload(payload, $"content.payloads[{i++}]", problems);
            }
        }

        if (c.TryGetProperty("references", out var refs) && refs.ValueKind != JsonValueKind.Null)
        {
            if (refs.ValueKind != JsonValueKind.Array)
            {
                problems.Validation("content.references", $"must be an array of {{recordKey, seq}}, not {FieldReader.Describe(refs.ValueKind)}");
            }
            else if (refs.GetArrayLength() > RecordErrors.MaxItems)
            {
                problems.Add(RecordErrors.LimitExceeded, "content.references", $"holds {refs.GetArrayLength()} references; at most {RecordErrors.MaxItems}");
            }
            else
            {
                var i = 0;
                foreach (var r in refs.EnumerateArray())
                {
                    if (Ref(r, $"content.references[{i++}]", problems) is { } read)
                    {
                        references.Add(read);
                    }
                }
            }
        }

        if (c.TryGetProperty("amends", out var a) && a.ValueKind != JsonValueKind.Null)
        {
            amends = Ref(a, "content.amends", problems);
        }
    }

    private static bool HasValue(JsonElement c, string name) => c.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

    private static string? Text(JsonElement c, string name, bool required, int maxLength, TextRule rule, Problems problems)
    {
        var field = "content." + name;
        if (!c.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                problems.Validation(field, "is required");
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            problems.Validation(field, $"must be a string, not {FieldReader.Describe(value.ValueKind)}");
            return null;
        }

        var text = value.GetString()!;
        if (FieldReader.TextProblem(text, 1, maxLength, rule) is { } problem)
        {
            problems.Validation(field, problem);
            return null;
        }

        return text;
    }

    private static bool IsDateTime(string text)
    {
        if (!IsoDateTime.IsMatch(text))
        {
            return false;
        }

        // The calendar itself: no 2026-02-30, no 25:00.
        var date = text[..10] + "T" + text[11..16];
        return DateTime.TryParseExact(date, "yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            && (text.Length < 19 || text[16] != ':' || int.Parse(text.AsSpan(17, 2), CultureInfo.InvariantCulture) < 60);
    }

    private static void Payload(JsonElement p, string field, Problems problems)
    {
        if (p.ValueKind != JsonValueKind.Object)
        {
            problems.Add(RecordErrors.PayloadInvalid, field, $"must be an object {{alg, digest, byteLength}}, not {FieldReader.Describe(p.ValueKind)}");
            return;
        }

        foreach (var member in p.EnumerateObject())
        {
            if (member.Name is not ("alg" or "digest" or "byteLength"))
            {
                problems.Add(RecordErrors.PayloadInvalid, $"{field}.{member.Name}", "is not part of a payload reference: only alg, digest and byteLength");
            }
        }

        if (!p.TryGetProperty("alg", out var alg) || alg.ValueKind != JsonValueKind.String)
        {
            problems.Add(RecordErrors.PayloadInvalid, field + ".alg", "is required: \"sha-256\"");
        }
        else if (alg.GetString() != "sha-256")
        {
            problems.Add(RecordErrors.PayloadAlgUnsupported, field + ".alg", "must be \"sha-256\"");
        }

        if (!p.TryGetProperty("digest", out var digest) || digest.ValueKind != JsonValueKind.String
            || digest.GetString() is not { Length: 64 } hex || hex.AsSpan().IndexOfAnyExcept(LowerHex) >= 0)
        {
            problems.Add(RecordErrors.PayloadInvalid, field + ".digest", "must be the SHA-256 of the payload's bytes as 64 lower-case hex characters, without 0x");
        }

        if (!p.TryGetProperty("byteLength", out var length) || Whole(length, allowText: true) is null)
        {
            problems.Add(RecordErrors.PayloadInvalid, field + ".byteLength", $"must be the payload's size in bytes, a whole number from 0 to {MaxWhole} (a JSON integer or a decimal string such as \"5\")");
        }
    }

    private static EntryRef? Ref(JsonElement r, string field, Problems problems)
    {
        if (r.ValueKind != JsonValueKind.Object)
        {
            problems.Add(RecordErrors.ReferenceInvalid, field, $"must be an object {{recordKey, seq}}, not {FieldReader.Describe(r.ValueKind)}");
            return null;
        }

        var ok = true;
        foreach (var member in r.EnumerateObject())
        {
            if (member.Name is not ("recordKey" or "seq"))
            {
                problems.Add(RecordErrors.ReferenceInvalid, $"{field}.{member.Name}", "is not part of an entry reference: only recordKey and seq");
                ok = false;
            }
        }

        byte[] hash = [];
        if (!r.TryGetProperty("recordKey", out var key) || key.ValueKind != JsonValueKind.String || !RecordKey.TryParse(key.GetString(), out hash))
        {
            problems.Add(RecordErrors.ReferenceInvalid, field + ".recordKey", "must be a record key: \"0x\" and 64 lower-case hex characters, as the API answers it");
            ok = false;
        }

        long? seq = r.TryGetProperty("seq", out var s) ? Whole(s, allowText: false) : null;
        if (seq is null)
        {
            problems.Add(RecordErrors.ReferenceInvalid, field + ".seq", $"must be a whole number from 0 to {MaxWhole} (entries count from 0)");
            ok = false;
        }

        return ok ? new EntryRef(key.GetString()!, hash, seq!.Value) : null;
    }

    /// <summary>A whole number from 0 to <see cref="MaxWhole"/>: a JSON number without a fraction, or (when allowed) its decimal digits as text.</summary>
    private static long? Whole(JsonElement value, bool allowText)
    {
        if (value.ValueKind == JsonValueKind.Number)
        {
            return decimal.TryParse(value.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == decimal.Truncate(d) && d is >= 0 and <= MaxWhole
                ? (long)d
                : null;
        }

        if (allowText && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 and <= 16 } text
            && text.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0 && (text.Length == 1 || text[0] != '0'))
        {
            var n = long.Parse(text, CultureInfo.InvariantCulture);
            return n <= MaxWhole ? n : null;
        }

        return null;
    }

    /// <summary>The content the entry commits to: the known members, as sent, null ones left out, in RFC 8785 form.</summary>
    private static (JsonElement Content, byte[] Canonical) Canonical(JsonElement c)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var name in Known)
            {
                if (c.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null)
                {
                    writer.WritePropertyName(name);
                    value.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        var canonical = Jcs.Canonicalize(buffer.WrittenSpan);
        return (JsonElement.Parse(canonical), canonical);
    }

    /// <summary>The problems found, each under the code whose rule it breaks.</summary>
    private sealed class Problems
    {
        // Which code answers when several rules are broken: the plainest first.
        private static readonly string[] Precedence =
            [ErrorCodes.ValidationError, RecordErrors.LimitExceeded, RecordErrors.PayloadAlgUnsupported, RecordErrors.PayloadInvalid, RecordErrors.ReferenceInvalid, RecordErrors.AmendsMismatch];

        private readonly List<(string Code, ErrorDetail Detail)> _all = [];

        public bool Any => _all.Count > 0;

        public void Add(string code, string field, string issue) => _all.Add((code, new ErrorDetail(field, issue)));

        public void Validation(string field, string issue) => Add(ErrorCodes.ValidationError, field, issue);

        public void AddValidation(IEnumerable<ErrorDetail> details) => _all.AddRange(details.Select(d => (ErrorCodes.ValidationError, d)));

        public Error ToError()
        {
            var code = Precedence.First(p => _all.Any(a => a.Code == p));
            var details = _all.Select(a => a.Detail).ToArray();
            return code == ErrorCodes.ValidationError ? Error.Validation(details) : RecordErrors.Of(code, details);
        }
    }
}
