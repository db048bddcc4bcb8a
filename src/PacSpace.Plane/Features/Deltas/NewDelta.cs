using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;
using PacSpace.Ledger;

namespace PacSpace.Plane.Features.Deltas;

/// <summary>A validated delta as the client sent it, before the server adds anything.</summary>
/// <param name="Adjusts">The earlier delta this one corrects, as named in the body; whether it names one of the customer's is
/// checked against the store before the delta is written (<see cref="AdjustedDeltas"/>).</param>
internal sealed record NewDelta(string CustomerId, long Amount, string Reason, string? ReferenceId, JsonElement? Metadata, DeltaAdjusts? Adjusts)
{
    public const long MaxAmount = 1_000_000_000;
    public const int MaxCustomerId = 256;
    public const int MaxReason = 500;
    public const int MaxReferenceId = 256;

    /// <summary>
    /// Reads a body that is one delta object, refusing it as <see cref="JsonBody.ReadAsync"/> would and then by the rules
    /// of <see cref="Fields.ToDelta"/>.
    /// </summary>
    public static Result<NewDelta> Read(ReadOnlySpan<byte> body)
    {
        var json = new JsonBodyReader(body);
        try
        {
            var fields = new Fields();
            while (json.Read())
            {
                if (json.CurrentDepth == 1 && json.TokenType == JsonTokenType.PropertyName)
                {
                    fields.Take(ref json);
                }
            }

            return json.Finish() is { } refused ? refused : fields.ToDelta(body, "");
        }
        finally
        {
            json.Dispose();
        }
    }

    /// <summary>The content this delta commits to in the log: version 2 when it adjusts another, else version 1.</summary>
    public DeltaContent Content(string tenantId, string env) => new(tenantId, env, CustomerId, Amount, Reason, ReferenceId, Metadata) { Adjusts = Adjusts };

    /// <summary>The adjustment as stored (its canonical JSON), when there is one.</summary>
    public string? AdjustsJson => Adjusts?.ToJson();

    /// <summary>What makes two requests "the same body" for idempotency: the content hash and the adjustment (canonical JSON).</summary>
    public static string RequestHash(byte[] contentHash, string? adjusts) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Hex.Encode(contentHash) + "\n" + adjusts)));

    /// <summary>
    /// The fields of one delta object, picked up while its body is read (<see cref="Take"/>) and judged once the body
    /// stands (<see cref="ToDelta"/>).
    /// </summary>
    internal struct Fields
    {
        private Field _customerId;
        private Field _reason;
        private Field _referenceId;
        private Field _delta;
        private Field _metadata;
        private Field _adjusts;

        /// <summary>At a property name of the delta object: reads its value (all of it), keeping what the rules need.</summary>
        public void Take(ref JsonBodyReader json)
        {
            var which = json.NameIs("customerId"u8) ? 1
                : json.NameIs("delta"u8) ? 2
                : json.NameIs("reason"u8) ? 3
                : json.NameIs("referenceId"u8) ? 4
                : json.NameIs("metadata"u8) ? 5
                : json.NameIs("adjusts"u8) ? 6
                : 0;
            if (!json.Read())
            {
                return;
            }

            var field = new Field { Kind = json.TokenType, Start = json.TokenStartIndex };
            if (field.Kind == JsonTokenType.String && which is 1 or 3 or 4)
            {
                field.Text = json.GetString();
            }
            else if (field.Kind == JsonTokenType.Number && which == 2)
            {
                // The token's own text, as written: 1e3 and -42.0 are whole numbers, 1.5 is not.
                field.IsDecimal = decimal.TryParse(json.ValueSpan, NumberStyles.Float, CultureInfo.InvariantCulture, out field.Number);
            }

            json.Skip();
            field.End = json.BytesConsumed;
            switch (which)
            {
                case 1: _customerId = field; break;
                case 2: _delta = field; break;
                case 3: _reason = field; break;
                case 4: _referenceId = field; break;
                case 5: _metadata = field; break;
                case 6: _adjusts = field; break;
            }
        }

        /// <summary>
        /// <c>delta</c> may come as <c>-42</c> or <c>-42.0</c> (the Python client sends floats); a fraction, zero or a
        /// value beyond ±1e9 is refused. Text fields are taken exactly as sent: they are hashed, and a client must be able
        /// to recompute the hash. Identifiers hold no control or bidirectional formatting characters; the reason may also
        /// hold tabs and line feeds. Every problem is reported, each field named with <paramref name="prefix"/>
        /// (<c>deltas[3].</c> for a batch item).
        /// </summary>
        public readonly Result<NewDelta> ToDelta(ReadOnlySpan<byte> body, string prefix)
        {
            List<ErrorDetail>? errors = null;
            var customerId = Text(_customerId, "customerId", required: true, MaxCustomerId, TextRule.Line, prefix, ref errors);
            var reason = Text(_reason, "reason", required: true, MaxReason, TextRule.Prose, prefix, ref errors);
            var referenceId = Text(_referenceId, "referenceId", required: false, MaxReferenceId, TextRule.Line, prefix, ref errors);
            long amount = 0;
            if (_delta.Absent)
            {
                Add(ref errors, prefix, "delta", "is required; a non-zero integer from -1000000000 to 1000000000");
            }
            else if (_delta.Kind != JsonTokenType.Number || !_delta.IsDecimal)
            {
                Add(ref errors, prefix, "delta", "must be a number (a non-zero integer from -1000000000 to 1000000000)");
            }
            else if (_delta.Number != decimal.Truncate(_delta.Number))
            {
                Add(ref errors, prefix, "delta", "must be a whole number; fractions are not accepted");
            }
            else if (_delta.Number == 0 || Math.Abs(_delta.Number) > MaxAmount)
            {
                Add(ref errors, prefix, "delta", "must be a non-zero integer from -1000000000 to 1000000000");
            }
            else
            {
                amount = (long)_delta.Number;
            }

            // Rare, and ruled on by the same code as the canonical form: parsed on their own.
            JsonElement? metadata = null;
            if (!_metadata.Absent)
            {
                var m = JsonElement.Parse(body[_metadata.Start.._metadata.End]);
                if (DeltaContent.CheckMetadata(m) is { } problem)
                {
                    Add(ref errors, prefix, "metadata", problem);
                }
                else
                {
                    metadata = m;
                }
            }

            DeltaAdjusts? adjusts = null;
            if (!_adjusts.Absent)
            {
                adjusts = Adjusts(JsonElement.Parse(body[_adjusts.Start.._adjusts.End]), out var problem);
                if (problem is not null)
                {
                    Add(ref errors, prefix, "adjusts", problem);
                }
            }

            return errors is not null
                ? Error.Validation(errors.ToArray())
                : new NewDelta(customerId!, amount, reason!, referenceId, metadata, adjusts);
        }

        private static string? Text(Field field, string name, bool required, int maxLength, TextRule rule, string prefix, ref List<ErrorDetail>? errors)
        {
            if (field.Absent)
            {
                if (required)
                {
                    Add(ref errors, prefix, name, "is required");
                }

                return null;
            }

            if (field.Kind != JsonTokenType.String)
            {
                Add(ref errors, prefix, name, $"must be a string, not {FieldReader.Describe(field.ValueKind)}");
                return null;
            }

            if (FieldReader.TextProblem(field.Text ?? "", 1, maxLength, rule) is { } problem)
            {
                Add(ref errors, prefix, name, problem);
                return null;
            }

            return field.Text;
        }

        private static void Add(ref List<ErrorDetail>? errors, string prefix, string field, string issue) =>
            (errors ??= []).Add(new ErrorDetail(prefix + field, issue));

        // {referenceId} or {recordId}: which earlier delta this one corrects, kept as sent (it is hashed as sent).
        private static DeltaAdjusts? Adjusts(JsonElement a, out string? problem)
        {
            problem = null;
            if (a.ValueKind != JsonValueKind.Object)
            {
                problem = "must be an object: {\"referenceId\": \"…\"} or {\"recordId\": \"…\"}";
                return null;
            }

            if (!DeltaAdjusts.TryRead(a, out var adjusts) || adjusts!.Value.Length is 0 or > MaxReferenceId)
            {
                problem = "must be {\"referenceId\": \"…\"} or {\"recordId\": \"…\"} with a non-empty string";
                return null;
            }

            return adjusts;
        }
    }

    /// <summary>One field's value: its kind, where it lies in the body, and the text or number the rules need.</summary>
    private struct Field
    {
        public JsonTokenType Kind;
        public int Start;
        public int End;
        public string? Text;
        public bool IsDecimal;
        public decimal Number;

        /// <summary>Left out or null, which the rules treat alike.</summary>
        public readonly bool Absent => Kind is JsonTokenType.None or JsonTokenType.Null;

        public readonly JsonValueKind ValueKind => Kind switch
        {
            JsonTokenType.StartObject => JsonValueKind.Object,
            JsonTokenType.StartArray => JsonValueKind.Array,
            JsonTokenType.String => JsonValueKind.String,
            JsonTokenType.Number => JsonValueKind.Number,
            JsonTokenType.True => JsonValueKind.True,
            JsonTokenType.False => JsonValueKind.False,
            _ => JsonValueKind.Null,
        };
    }
}
