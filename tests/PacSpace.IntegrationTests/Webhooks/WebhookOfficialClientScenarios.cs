using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PacSpace.Cli;
using PacSpace.IntegrationTests.Balance;
using PacSpace.IntegrationTests.Dashboard;
using PacSpace.IntegrationTests.Infrastructure;

namespace PacSpace.IntegrationTests.Webhooks;

/// <summary>
/// What the official Python client (0.4) does with webhooks, against live deliveries: its verifier, transcribed step by step
/// from its published behaviour (not the C# SDK's, so the two cannot share a mistake), accepts every delivery; and its
/// delivery-log and retry calls, written byte for byte as its transport sends them, get envelopes whose every
/// <c>status</c> is one the client keeps.
/// </summary>
public abstract class WebhookOfficialClientScenarios(Store store, PostgresServer? postgres) : StoreTests(store, postgres)
{
    private static readonly string[] KeptStatuses = ["QUEUED", "PROCESSING", "VERIFIED", "FAILED"];

    [Fact]
    public async Task OfficialClient_VerifiesLiveDeliveries_AndReadsAndRetriesTheLogOnTheWire()
    {
        // The transcription first meets the contract's vector.
        const string vectorBody = """{"id":"evt_1","event":"delta.verified","data":{"recordId":"rec_1"}}""";
        var vectorAt = DateTimeOffset.FromUnixTimeSeconds(1700000000);
        Assert.True(OfficialVerifier.Verify("whsec_test", "v1=d88462a422a15e9649216e9c555ca723993c34a780bf5e0f080ece22cb2aefff", "1700000000", vectorBody, vectorAt));
        Assert.False(OfficialVerifier.Verify("whsec_other", "v1=d88462a422a15e9649216e9c555ca723993c34a780bf5e0f080ece22cb2aefff", "1700000000", vectorBody, vectorAt));
        Assert.False(OfficialVerifier.Verify("whsec_test", "t=1,v0=zz", "1700000000", vectorBody, vectorAt));

        var session = await Api.ReadyTenantAsync();
        var key = (await Api.CreateKeyAsync(session)).FullKey;
        await using var receiver = await WebhookReceiver.StartAsync();
        var hook = await Api.CreateWebhookAsync(session, "sandbox", receiver.Url);
        for (var i = 0; i < 3; i++)
        {
            await Stack.EmitAsync(Role.Sandbox, key, $$"""{"customerId": "py-{{i}}", "delta": {{i + 1}}, "reason": "usage"}""");
        }

        var got = await receiver.WaitForAsync(3, TimeSpan.FromSeconds(30));
        foreach (var r in got)
        {
            var parsed = OfficialVerifier.VerifyFromHeaders(hook.Secret, r.Headers, r.Body, DateTimeOffset.UtcNow);
            Assert.Equal("delta.verified", parsed.GetProperty("event").GetString());
            foreach (var field in new[] { "recordId", "receiptId", "verificationReference", "customerId", "sequenceNumber", "blockTimestamp" })
            {
                Assert.Equal(JsonValueKind.String, parsed.GetProperty("data").GetProperty(field).ValueKind);
            }

            Assert.Equal(JsonValueKind.Number, parsed.GetProperty("data").GetProperty("delta").ValueKind);
        }

        var wire = new PythonWire(Stack.Local.Url(Role.Sandbox), key);
        var list = await KeyTestKit.EventuallyAsync(() => wire.GetAsync("/api/v1/balance/webhooks?status=delivered&limit=10&offset=0"),
            a => a.Status == 200 && JsonDocument.Parse(a.Body).RootElement.GetProperty("data").GetProperty("deliveries").GetArrayLength() == 3,
            TimeSpan.FromSeconds(30), "3 delivered over the wire");
        var eventId = JsonDocument.Parse(list.Body).RootElement.GetProperty("data").GetProperty("deliveries")[0].GetProperty("eventId").GetString()!;
        var retry = await wire.PostAsync($"/api/v1/balance/webhooks/{Uri.EscapeDataString(eventId)}/retry", "{}");
        Assert.Equal(200, retry.Status);
        await receiver.WaitForAsync(2, TimeSpan.FromSeconds(30), r => r.Header("X-Event-ID") == eventId);
        var missing = await wire.PostAsync("/api/v1/balance/webhooks/evt_0000000000000000000000000a/retry", "{}");
        Assert.Equal(404, missing.Status);
        Assert.Equal("NOT_FOUND", JsonDocument.Parse(missing.Body).RootElement.GetProperty("error").GetProperty("code").GetString());

        foreach (var answer in wire.Answers.Where(a => a.Status is >= 200 and < 300))
        {
            var root = JsonDocument.Parse(answer.Body).RootElement;
            Assert.True(root.GetProperty("success").ValueKind == JsonValueKind.True && root.TryGetProperty("data", out _), answer.Request);
            Assert.All(Statuses(root), s => Assert.Contains(s, KeptStatuses));
        }
    }

    private static IEnumerable<string> Statuses(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => e.EnumerateObject().SelectMany(p => p.Name == "status" && p.Value.ValueKind == JsonValueKind.String ? [p.Value.GetString()!] : Statuses(p.Value)),
        JsonValueKind.Array => e.EnumerateArray().SelectMany(Statuses),
        _ => [],
    };

    /// <summary>
    /// The Python client's <c>Webhooks.verify</c> / <c>verify_from_headers</c>, step by step: header names looked up
    /// case-insensitively (a list value uses its first element), all three inputs non-empty, the timestamp an integer
    /// (≥ 10^12 means milliseconds, floor-divided by 1000) within the tolerance past or future, HMAC-SHA256 keyed with the
    /// secret's UTF-8 bytes over "{timestamp as received}.{raw body}", "v1=" + lower-case hex, each comma-separated part
    /// stripped and compared in full in constant time, any match passing; then the body must be a JSON object.
    /// </summary>
    private static class OfficialVerifier
    {
        public static bool Verify(string secret, string signature, string timestamp, string rawBody, DateTimeOffset now, int tolerance = 300)
        {
            if (signature.Length == 0 || timestamp.Length == 0 || rawBody.Length == 0 || !long.TryParse(timestamp.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ts))
            {
                return false;
            }

            if (Math.Abs(ts) >= 1_000_000_000_000)
            {
                ts = (long)Math.Floor(ts / 1000.0);
            }

            if (Math.Abs(now.ToUnixTimeSeconds() - ts) > tolerance)
            {
                return false;
            }

            var expected = "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + "." + rawBody)));
            return signature.Split(',').Select(p => p.Trim()).Where(p => p.StartsWith("v1=", StringComparison.Ordinal))
                .Any(p => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(p), Encoding.UTF8.GetBytes(expected)));
        }

        public static JsonElement VerifyFromHeaders(string secret, IReadOnlyDictionary<string, string> headers, string rawBody, DateTimeOffset now)
        {
            string Find(string name) => headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value
                ?? throw new Xunit.Sdk.XunitException($"Missing {name} header");
            Assert.True(Verify(secret, Find("X-PacSpace-Signature"), Find("X-PacSpace-Timestamp"), rawBody, now), "the official verifier refused a delivery");
            var body = JsonDocument.Parse(rawBody).RootElement;
            Assert.Equal(JsonValueKind.Object, body.ValueKind);
            return body.Clone();
        }
    }
}

public sealed class WebhookOfficialClientScenariosOnSqlite() : WebhookOfficialClientScenarios(Store.Sqlite, null);

[Collection(PostgresCollection.Name)]
public sealed class WebhookOfficialClientScenariosOnPostgres(PostgresServer postgres) : WebhookOfficialClientScenarios(Store.Postgres, postgres);
