using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using PacSpace.Hosting.Errors;

namespace PacSpace.Hosting.Web;

/// <summary>
/// Reads a JSON object body ourselves instead of relying on model binding, so that every kind of bad
/// input (not JSON, malformed, wrong type, unknown enum value, missing field) becomes a
/// <c>VALIDATION_ERROR</c> that names the field, before anything is changed.
/// </summary>
public static class JsonBody
{
    public const long MaxBytes = 1024 * 1024;

    /// <summary>How deeply objects and arrays may nest in a body.</summary>
    public const int MaxDepth = 32;

    public static async Task<Result<FieldReader>> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBytes)
        {
            return TooLarge();
        }

        if (!IsJson(request.ContentType))
        {
            return NotJsonMediaType();
        }

        JsonDocument document;
        try
        {
            // A field sent twice would leave it to us which copy counts; refuse it instead of picking one.
            document = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = MaxDepth, AllowDuplicateProperties = false }, cancellationToken);
        }
        catch (JsonException ex) when (DuplicateName(ex.Message) is { } name)
        {
            return Duplicate(name);
        }
        catch (JsonException ex)
        {
            return NotJson(ex);
        }
        catch (InvalidOperationException)
        {
            // Comparing property names for duplicates decodes them; a name that is not UTF-8 fails there.
            return NotText("body");
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge();
        }
        catch (IOException ex) when (IsMalformedFraming(ex))
        {
            return Unreadable();
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return NotAnObject();
            }

            // The parser checks structure, not the text inside strings: bytes that are not UTF-8 or an escaped lone
            // surrogate would only fail later, when a field is read, so they are refused here, naming the field.
            var unreadable = JsonText.FirstUnreadable(document.RootElement);
            return unreadable is null ? new FieldReader(document.RootElement.Clone()) : NotText(unreadable);
        }
    }

    /// <summary>
    /// An I/O error raised by the server's own request-body reader: the client framed the body wrongly (a chunk size
    /// that overflows, say). The client's mistake, answered 400, not a fault of ours.
    /// </summary>
    public static bool IsMalformedFraming(Exception ex) =>
        ex is IOException && ex.TargetSite?.DeclaringType?.FullName?.StartsWith("Microsoft.AspNetCore.Server.Kestrel.", StringComparison.Ordinal) == true;

    /// <summary>What a body that cannot be read at all is answered with.</summary>
    public static Error Unreadable() => Error.Validation("body", "could not be read: the request's framing (Content-Length or chunk sizes) is malformed");

    /// <summary>
    /// Reads the whole body into a pooled buffer (a leading UTF-8 byte order mark left out), refusing what
    /// <see cref="ReadAsync"/> refuses before parsing: a body over <see cref="MaxBytes"/>, a media type that is not JSON,
    /// framing the server cannot read. The caller parses it (<see cref="JsonBodyReader"/>) and disposes it.
    /// </summary>
    public static async ValueTask<Result<JsonBodyBytes>> ReadBytesAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBytes)
        {
            return TooLarge();
        }

        if (!IsJson(request.ContentType))
        {
            return NotJsonMediaType();
        }

        var buffer = ArrayPool<byte>.Shared.Rent(request.ContentLength is long known ? (int)Math.Max(known, 16) : 4096);
        var length = 0;
        try
        {
            var reader = request.BodyReader;
            while (true)
            {
                var read = await reader.ReadAsync(cancellationToken);
                var data = read.Buffer;
                if (length + data.Length > MaxBytes)
                {
                    reader.AdvanceTo(data.End);
                    Return(buffer, length);
                    return TooLarge();
                }

                if (length + data.Length > buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Max(buffer.Length * 2L, length + data.Length), MaxBytes));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    Return(buffer, length);
                    buffer = larger;
                }

                data.CopyTo(buffer.AsSpan(length));
                length += (int)data.Length;
                reader.AdvanceTo(data.End);
                if (read.IsCompleted)
                {
                    break;
                }

                if (read.IsCanceled)
                {
                    throw new OperationCanceledException("The read of the request body was canceled.");
                }
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            Return(buffer, length);
            return TooLarge();
        }
        catch (IOException ex) when (IsMalformedFraming(ex))
        {
            Return(buffer, length);
            return Unreadable();
        }
        catch
        {
            Return(buffer, length);
            throw;
        }

        // As JsonDocument.ParseAsync does: a UTF-8 byte order mark (EF BB BF) is not part of the JSON text.
        var start = length >= 3 && buffer.AsSpan(0, 3).SequenceEqual("\uFEFF"u8) ? 3 : 0;
        return new JsonBodyBytes(buffer, start, length);
    }

    internal static void Return(byte[] buffer, int used)
    {
        // The body may hold anything a client sent; it is not left behind in the pool.
        buffer.AsSpan(0, used).Clear();
        ArrayPool<byte>.Shared.Return(buffer);
    }

    internal static Error NotText(string field) =>
        Error.Validation(field, "must be valid UTF-8 text (no stray bytes, no lone surrogate escapes such as \\ud800)");

    internal static Error NotJson(JsonException ex) => Error.Validation("body", $"is not valid JSON ({FirstSentence(ex.Message)})");

    internal static Error NotAnObject() => Error.Validation("body", "must be a JSON object");

    internal static Error Duplicate(string field) => Error.Validation(field, "appears more than once; send each field once");

    private static Error NotJsonMediaType() =>
        new(415, ErrorCodes.UnsupportedMediaType, "Send the body as JSON with the header Content-Type: application/json.");

    private static string? DuplicateName(string message)
    {
        const string Marker = "Duplicate property '";
        var start = message.IndexOf(Marker, StringComparison.Ordinal);
        var end = start < 0 ? -1 : message.IndexOf('\'', start + Marker.Length);
        return end > start ? message[(start + Marker.Length)..end] : null;
    }

    /// <summary>Like <see cref="ReadAsync"/>, but a request without a body reads as an empty object.</summary>
    public static Task<Result<FieldReader>> ReadOptionalAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var bodyless = request.ContentLength == 0
            || (request.ContentLength is null && request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>()?.CanHaveBody == false);
        return bodyless ? Task.FromResult<Result<FieldReader>>(FieldReader.Empty) : ReadAsync(request, cancellationToken);
    }

    private static Error TooLarge() =>
        new(413, ErrorCodes.PayloadTooLarge, $"The body is larger than the limit of {MaxBytes} bytes.");

    private static bool IsJson(string? contentType)
    {
        if (contentType is null)
        {
            return false;
        }

        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        var mediaType = (semicolon < 0 ? contentType.AsSpan() : contentType.AsSpan(0, semicolon)).Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message.TrimEnd('.');
    }
}

/// <summary>Typed access to the fields of a JSON object body that collects every problem it meets.</summary>
public sealed class FieldReader(JsonElement root, string prefix = "")
{
    private readonly List<ErrorDetail> _errors = [];

    public static FieldReader Empty => new(JsonDocument.Parse("{}").RootElement.Clone());

    /// <summary>The body object itself, for a reader with rules of its own.</summary>
    public JsonElement Root => root;

    public bool Has(string name) => root.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

    /// <summary>The object's JSON text as it was sent, for a host that passes a body on to another (a plane) to be read there.</summary>
    public string RawText => root.GetRawText();

    /// <summary>The raw value of a field that is present and not null (objects, arrays), for callers with their own rules.</summary>
    public JsonElement? Raw(string name) => root.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    /// <summary>
    /// Reads a string; <paramref name="trim"/> is off where the exact text matters (it is hashed), and
    /// <paramref name="rule"/> says which characters it may hold (<see cref="TextRule"/>).
    /// </summary>
    public string? String(string name, bool required, int minLength = 0, int maxLength = 1000, bool trim = true, TextRule rule = TextRule.Any)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Add(name, "is required");
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Add(name, $"must be a string, not {Describe(value.ValueKind)}");
            return null;
        }

        var text = trim ? value.GetString()!.Trim() : value.GetString()!;
        if (TextProblem(text, minLength, maxLength, rule) is { } problem)
        {
            Add(name, problem);
            return null;
        }

        return text;
    }

    /// <summary>What is wrong with a string field's <paramref name="text"/> under the rules of <see cref="String"/>, or null.</summary>
    public static string? TextProblem(string text, int minLength, int maxLength, TextRule rule)
    {
        if (text.Length < minLength || text.Length > maxLength)
        {
            return minLength > 0 && text.Length < minLength
                ? minLength == 1 ? "must not be empty" : $"must be at least {minLength} characters"
                : $"must be at most {maxLength} characters";
        }

        return TextRules.Check(text, rule);
    }

    /// <summary>Reads a string that must be one of <paramref name="accepted"/> (case-sensitive, as documented).</summary>
    public T? Enum<T>(string name, bool required, IReadOnlyDictionary<string, T> accepted, string acceptedText)
        where T : struct
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Add(name, $"is required; must be one of {acceptedText}");
            }

            return null;
        }

        if (value.ValueKind == JsonValueKind.String && accepted.TryGetValue(value.GetString()!, out var parsed))
        {
            return parsed;
        }

        Add(name, $"must be one of {acceptedText}");
        return null;
    }

    public bool? Bool(string name, bool required)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Add(name, "is required");
            }

            return null;
        }

        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetBoolean();
        }

        Add(name, $"must be true or false, not {Describe(value.ValueKind)}");
        return null;
    }

    /// <summary>Reads an ISO 8601 timestamp with an offset (<c>2026-12-31T00:00:00Z</c>).</summary>
    public DateTimeOffset? Timestamp(string name, bool required)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Add(name, "is required");
            }

            return null;
        }

        if (value.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(value.GetString(), System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed)
            && value.GetString()!.Contains('T', StringComparison.Ordinal))
        {
            return parsed.ToUniversalTime();
        }

        Add(name, "must be an ISO 8601 timestamp such as 2026-12-31T00:00:00Z");
        return null;
    }

    /// <summary>Reads a number in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public double? Number(string name, bool required, double min, double max)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Add(name, "is required");
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number))
        {
            Add(name, $"must be a number from {min} to {max}, not {Describe(value.ValueKind)}");
            return null;
        }

        if (number < min || number > max)
        {
            Add(name, $"must be from {min} to {max}");
            return null;
        }

        return number;
    }

    /// <summary>
    /// Reads a whole number in [<paramref name="min"/>, <paramref name="max"/>]. Integral JSON numbers written with a
    /// fraction part (<c>100.0</c>, as the Python client sends floats) are accepted; real fractions are not.
    /// </summary>
    public long? Integer(string name, bool required, long min, long max)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Add(name, $"is required; a whole number from {min} to {max}");
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.Number
            || !decimal.TryParse(value.GetRawText(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d))
        {
            Add(name, $"must be a whole number from {min} to {max}, not {Describe(value.ValueKind)}");
            return null;
        }

        if (d != decimal.Truncate(d) || d < min || d > max)
        {
            Add(name, $"must be a whole number from {min} to {max}");
            return null;
        }

        return (long)d;
    }

    /// <summary>Records a problem; field names carry the reader's prefix (<c>deltas[3].</c> for a batch item).</summary>
    public void Add(string field, string issue) => _errors.Add(new ErrorDetail(prefix + field, issue));

    public IReadOnlyList<ErrorDetail> Errors => _errors;

    public bool HasErrors => _errors.Count > 0;

    public Error ToError() => Error.Validation(_errors.ToArray());

    /// <summary>How a field's wrong kind of value is named in an issue ("must be a string, not a number").</summary>
    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Number => "a number",
        JsonValueKind.String => "a string",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };
}
