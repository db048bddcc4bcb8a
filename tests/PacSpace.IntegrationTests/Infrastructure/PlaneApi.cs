using System.Text;
using System.Text.Json;
using PacSpace.Cli;

namespace PacSpace.IntegrationTests.Infrastructure;

/// <summary>Raw HTTP calls to a plane: the body is sent exactly as given, so tests control every byte.</summary>
public static class PlaneApi
{
    public static async Task<Answer> SendAsync(this TestStack stack, Role plane, HttpMethod method, string path, string? key, string? body = null,
        IReadOnlyDictionary<string, string>? headers = null, string contentType = "application/json")
    {
        using var client = stack.PlaneClient(plane);
        using var request = new HttpRequestMessage(method, path);
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Api-Key", key);
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        }

        using var response = await client.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        Assert.False(string.IsNullOrEmpty(raw), $"{(int)response.StatusCode} with an empty body");
        return new Answer(response.StatusCode, JsonDocument.Parse(raw).RootElement.Clone(), response.Headers, raw);
    }

    public static Task<Answer> EmitAsync(this TestStack stack, Role plane, string key, string body, string? idempotencyKey = null) =>
        stack.SendAsync(plane, HttpMethod.Post, "/api/v1/balance/delta", key, body,
            idempotencyKey is null ? null : new Dictionary<string, string> { ["Idempotency-Key"] = idempotencyKey });

    public static Task<Answer> DeltaStatusAsync(this TestStack stack, Role plane, string key, string recordId) =>
        stack.SendAsync(plane, HttpMethod.Get, "/api/v1/balance/delta/" + recordId, key);

    /// <summary>Polls a delta until it is VERIFIED.</summary>
    public static Task<Answer> VerifiedAsync(this TestStack stack, Role plane, string key, string recordId) =>
        KeyTestKit.EventuallyAsync(() => stack.DeltaStatusAsync(plane, key, recordId),
            a => a.Data.GetProperty("status").GetString() == "VERIFIED", TimeSpan.FromSeconds(10), $"{recordId} VERIFIED");
}
