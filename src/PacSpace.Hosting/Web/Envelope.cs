using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Json;

namespace PacSpace.Hosting.Web;

/// <summary>
/// Which envelope a host writes. The dashboard adds <c>statusCode</c> (both API generations read it);
/// the planes write the Balance API shape <c>{success, data}</c>.
/// </summary>
public sealed record EnvelopeStyle(bool IncludeStatusCode)
{
    public static readonly EnvelopeStyle Dashboard = new(true);
    public static readonly EnvelopeStyle Plane = new(false);
}

/// <summary>The data of an answer that writes its own JSON (the hot answers); its shape is documented by a record beside it.</summary>
public interface IJsonData
{
    void WriteTo(Utf8JsonWriter writer);
}

/// <summary>The single place where values and <see cref="Error"/>s become HTTP responses.</summary>
public static class Envelope
{
    public static IResult Ok<T>(T data, int status = StatusCodes.Status200OK, string? message = null) =>
        new EnvelopeResult(status, writer => JsonSerializer.Serialize(writer, data, JsonDefaults.Options), message, null);

    /// <summary>An answer whose data writes itself (<see cref="IJsonData"/>): no serializer, no intermediate strings.</summary>
    public static IResult Written(IJsonData data, int status = StatusCodes.Status200OK) => new EnvelopeResult(status, null, null, null) { Data = data };

    public static IResult Fail(Error error) => new EnvelopeResult(error.Status, null, error.Message, error);

    public static IResult From<T>(Result<T> result, Func<T, IResult> onSuccess) =>
        result.IsSuccess ? onSuccess(result.Value) : Fail(result.Error!);

    /// <summary>Writes an error directly, for middleware that runs outside an endpoint.</summary>
    public static Task WriteErrorAsync(HttpContext context, Error error) => Fail(error).ExecuteAsync(context);

    /// <summary>
    /// The request's id in the W3C trace-context sense: the current Activity's trace id when the host started one, else the
    /// trace id of the request's own <c>traceparent</c> (a caller's, or the one origin's hop), else a new random one, kept
    /// as the request's <see cref="HttpContext.TraceIdentifier"/> so that every use in the request sees the same.
    /// </summary>
    public static string RequestId(HttpContext context)
    {
        if (Activity.Current is { } activity)
        {
            return activity.TraceId.ToHexString();
        }

        if (TraceParentId(context.Request.Headers["traceparent"]) is { } parent)
        {
            return parent;
        }

        if (context.Items.TryGetValue(RequestIdItem, out var kept) && kept is string id)
        {
            return id;
        }

        Span<byte> random = stackalloc byte[16];
        System.Security.Cryptography.RandomNumberGenerator.Fill(random);
        id = Convert.ToHexStringLower(random);
        context.Items[RequestIdItem] = id;
        context.TraceIdentifier = id;
        return id;
    }

    private static readonly object RequestIdItem = new();

    /// <summary>The trace id of a well-formed <c>traceparent</c> (version 00, 32 lowercase hex digits, not all zero), or null.</summary>
    internal static string? TraceParentId(string? header)
    {
        // 00-<trace id: 32 hex>-<parent id: 16 hex>-<flags: 2 hex>
        if (header is not { Length: >= 55 } || header[2] != '-' || header[35] != '-' || header[52] != '-' || !header.StartsWith("00", StringComparison.Ordinal))
        {
            return null;
        }

        var traceId = header.AsSpan(3, 32);
        foreach (var c in traceId)
        {
            if (c is not (>= '0' and <= '9' or >= 'a' and <= 'f'))
            {
                return null;
            }
        }

        return traceId.IndexOfAnyExcept('0') < 0 ? null : traceId.ToString();
    }

    private sealed class EnvelopeResult(int status, Action<Utf8JsonWriter>? writeData, string? message, Error? error) : IResult
    {
        public IJsonData? Data { get; init; }

        // Larger answers (a long list) are not kept for the next one on the thread.
        private const int MaxKeptBuffer = 64 * 1024;

        [ThreadStatic]
        private static ArrayBufferWriter<byte>? t_buffer;

        [ThreadStatic]
        private static Utf8JsonWriter? t_writer;

        public async Task ExecuteAsync(HttpContext context)
        {
            // Set per request by UsePacSpaceErrors: reading it from RequestServices would create a DI scope per request.
            var style = context.Features.Get<EnvelopeStyle>() ?? context.RequestServices.GetService<EnvelopeStyle>() ?? EnvelopeStyle.Plane;
            var response = context.Response;
            response.StatusCode = status;
            response.ContentType = "application/json; charset=utf-8";
            if (error?.RetryAfterSeconds is int retry)
            {
                response.Headers.RetryAfter = retry.ToString(CultureInfo.InvariantCulture);
            }

            if (error is not null)
            {
                // Errors carry the request's id, for clients to quote (the SDK exposes it as RequestId); successes stay lean.
                response.Headers["X-Request-Id"] = RequestId(context);
            }

            // Written whole into this thread's buffer first, so the answer goes out with a Content-Length in one write: no
            // chunk framing and no separate terminating chunk (a second send for the host, a second read for a proxy in front).
            // The buffer and the writer are reused by the next answer on this thread; nothing here awaits while they are in use.
            var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
            var writer = t_writer ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JsonDefaults.Options.Encoder });
            try
            {
                writer.Reset(buffer);
                Write(writer, style, context);
                writer.Flush();
                response.ContentLength = buffer.WrittenCount;
                response.BodyWriter.Write(buffer.WrittenSpan);
            }
            finally
            {
                writer.Reset(buffer);
                if (buffer.Capacity > MaxKeptBuffer)
                {
                    t_buffer = null;
                    t_writer = null;
                }
                else
                {
                    buffer.ResetWrittenCount();
                }
            }

            await response.BodyWriter.FlushAsync(context.RequestAborted);
        }

        private void Write(Utf8JsonWriter writer, EnvelopeStyle style, HttpContext context)
        {
            writer.WriteStartObject();
            if (style.IncludeStatusCode)
            {
                writer.WriteNumber("statusCode", status);
            }

            writer.WriteBoolean("success", error is null);
            if (error is null)
            {
                writer.WritePropertyName("data");
                if (Data is not null)
                {
                    Data.WriteTo(writer);
                }
                else if (writeData is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    writeData(writer);
                }
            }
            else
            {
                WriteError(writer, error, context);
            }

            if (message is not null)
            {
                writer.WriteString("message", message);
            }

            writer.WriteEndObject();
        }

        private static void WriteError(Utf8JsonWriter writer, Error error, HttpContext context)
        {
            writer.WriteStartObject("error");
            writer.WriteString("code", error.Code);
            writer.WriteString("message", error.Message);
            if (error.Details is { Count: > 0 } details)
            {
                writer.WriteStartArray("details");
                foreach (var d in details)
                {
                    writer.WriteStartObject();
                    writer.WriteString("field", d.Field);
                    writer.WriteString("issue", d.Issue);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            if (error.RetryAfterSeconds is int retry)
            {
                writer.WriteNumber("retryAfterSeconds", retry);
            }

            if (error.Status >= 500)
            {
                writer.WriteString("traceId", RequestId(context));
            }

            writer.WriteEndObject();
        }
    }
}
