using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;
using PacSpace.Plane.Features.Deltas;

namespace PacSpace.Plane.Tests;

/// <summary>
/// Sends one body through both ways of reading a delta request (the document path, <see cref="LegacyDeltaBody"/>, and
/// the endpoints' own reader) and writes down what each answered, so that the two can be compared as text.
/// </summary>
internal static class DeltaBodies
{
    public static string Old(byte[] body, bool batch, string? contentType = "application/json", long? contentLength = null)
    {
        var request = Request(body, contentType, contentLength);
        return batch
            ? Describe(LegacyDeltaBody.ReadBatchAsync(request).GetAwaiter().GetResult())
            : Describe(LegacyDeltaBody.ReadDeltaAsync(request).GetAwaiter().GetResult());
    }

    public static string New(byte[] body, bool batch, string? contentType = "application/json", long? contentLength = null)
    {
        var read = JsonBody.ReadBytesAsync(Request(body, contentType, contentLength), default).AsTask().GetAwaiter().GetResult();
        if (!read.IsSuccess)
        {
            return Describe(read.Error!);
        }

        // Described only once the buffer is back in the pool (and cleared): nothing read may still point into it.
        Result<EmitDeltaBatch.Input> items = default;
        Result<EmitDelta.Input> one = default;
        using (var bytes = read.Value)
        {
            if (batch)
            {
                items = EmitDeltaBatch.Input.Read(null, bytes.Span);
            }
            else
            {
                one = EmitDelta.Input.Read(null, bytes.Span);
            }
        }

        return batch
            ? items.IsSuccess ? Describe(items.Value.Deltas) : Describe(items.Error!)
            : one.IsSuccess ? Describe(one.Value.Delta) : Describe(one.Error!);
    }

    public static HttpRequest Request(byte[] body, string? contentType = "application/json", long? contentLength = null)
    {
        var http = new DefaultHttpContext();
        http.Request.Body = new MemoryStream(body);
        http.Request.ContentType = contentType;
        http.Request.ContentLength = contentLength ?? body.Length;
        return http.Request;
    }

    /// <summary>Text with <c>&lt;ff&gt;</c>-style markers turned into those raw bytes (for bodies that are not UTF-8).</summary>
    public static byte[] Bytes(string text)
    {
        var output = new List<byte>();
        var parts = text.Split('<');
        output.AddRange(Encoding.UTF8.GetBytes(parts[0]));
        foreach (var part in parts.Skip(1))
        {
            var close = part.IndexOf('>', StringComparison.Ordinal);
            if (close == 2 && byte.TryParse(part.AsSpan(0, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var b))
            {
                output.Add(b);
                output.AddRange(Encoding.UTF8.GetBytes(part[3..]));
            }
            else
            {
                output.AddRange(Encoding.UTF8.GetBytes("<" + part));
            }
        }

        return [.. output];
    }

    /// <summary>A body as readable text: printable ASCII as is, anything else as <c>&lt;xx&gt;</c> bytes.</summary>
    public static string Show(byte[] body) =>
        string.Concat(body.Select(b => b is >= 0x20 and < 0x7f and not (byte)'<' ? ((char)b).ToString() : $"<{b:x2}>"));

    private static string Describe(Result<NewDelta> result) => result.IsSuccess ? Describe(result.Value) : Describe(result.Error!);

    private static string Describe(Result<IReadOnlyList<Result<NewDelta>>> result) =>
        result.IsSuccess ? Describe(result.Value) : Describe(result.Error!);

    private static string Describe(IReadOnlyList<Result<NewDelta>> items) => "items [" + string.Join(", ", items.Select(Describe)) + "]";

    private static string Describe(NewDelta d) =>
        $"delta {Text(d.CustomerId)} {d.Amount} {Text(d.Reason)} {Text(d.ReferenceId)} metadata={Text(d.Metadata?.GetRawText())} adjusts={Text(d.Adjusts?.ToJson())}";

    private static string Describe(Error e) =>
        $"error {e.Status} {e.Code} {Text(e.Message)} retry={e.RetryAfterSeconds} details [{string.Join(" | ", (e.Details ?? []).Select(d => Text(d.Field) + ": " + Text(d.Issue)))}]";

    private static string Text(string? s) => s is null ? "null" :
        "\"" + string.Concat(s.Select(c => c is >= ' ' and < '\x7f' ? c.ToString() : $"\\u{(int)c:x4}")) + "\"";
}
