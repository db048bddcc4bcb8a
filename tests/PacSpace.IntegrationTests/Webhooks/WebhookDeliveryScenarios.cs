using System.Net;
using System.Text.Json;
using PacSpace.Cli;
using PacSpace.IntegrationTests.Dashboard;
using PacSpace.IntegrationTests.Infrastructure;
using PacSpace.Sdk.Webhooks;

namespace PacSpace.IntegrationTests.Webhooks;

/// <summary>
/// Webhook deliveries end to end: deltas recorded on a plane reach real HTTP receivers as signed <c>delta.verified</c>
/// events of their own environment only, survive an outage, carry both signatures during a rotation overlap, and show in
/// the Balance API's delivery log, where they can be sent again.
/// </summary>
public abstract class WebhookDeliveryScenarios(Store store, PostgresServer? postgres) : StoreTests(store, postgres)
{
    private static readonly TimeSpan Arrival = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task DeltasReachOnlyTheirEnvironmentsEndpoints_Signed_LoggedAndRetried()
    {
        var session = await Api.ReadyTenantAsync();
        await Api.ActivateProductionAsync(session);
        var sandboxKey = (await Api.CreateKeyAsync(session, "test")).FullKey;
        var liveKey = (await Api.CreateKeyAsync(session, "live")).FullKey;
        await using var sandboxReceiver = await WebhookReceiver.StartAsync();
        await using var liveReceiver = await WebhookReceiver.StartAsync();
        var sandboxHook = await Api.CreateWebhookAsync(session, "sandbox", sandboxReceiver.Url);
        var liveHook = await Api.CreateWebhookAsync(session, "production", liveReceiver.Url);

        var sandboxRecords = await EmitAsync(Role.Sandbox, sandboxKey, 20, "s");
        var liveRecords = await EmitAsync(Role.Production, liveKey, 5, "p");

        var sandboxGot = await sandboxReceiver.WaitForAsync(20, Arrival);
        var liveGot = await liveReceiver.WaitForAsync(5, Arrival);
        AssertEvents(sandboxGot, sandboxHook.Secret, "sandbox", session.TenantId, sandboxRecords);
        AssertEvents(liveGot, liveHook.Secret, "production", session.TenantId, liveRecords);

        // The delivery log of each plane: only its own environment's deliveries, each delivered on its first attempt.
        var log = await KeyTestKit.EventuallyAsync(() => Stack.SendAsync(Role.Sandbox, HttpMethod.Get, "/api/v1/balance/webhooks?limit=100", sandboxKey),
            a => a.Data.GetProperty("deliveries").EnumerateArray().Count(d => d.GetProperty("deliveryStatus").GetString() == "delivered") == 20, Arrival, "20 delivered");
        Assert.Equal(20, log.Data.GetProperty("pagination").GetProperty("total").GetInt64());
        foreach (var d in log.Data.GetProperty("deliveries").EnumerateArray())
        {
            Assert.Equal("VERIFIED", d.GetProperty("status").GetString());
            Assert.Equal("delta.verified", d.GetProperty("event").GetString());
            Assert.Equal(sandboxHook.Id, d.GetProperty("endpointId").GetString());
            Assert.Equal(1, d.GetProperty("attempts").GetInt32());
            Assert.Equal(200, d.GetProperty("lastStatusCode").GetInt32());
        }

        var liveLog = await Stack.SendAsync(Role.Production, HttpMethod.Get, "/api/v1/balance/webhooks?status=delivered", liveKey);
        Assert.True(liveLog.Data.GetProperty("pagination").GetProperty("total").GetInt64() <= 5);

        // Sent again on request: the same event id and the same body bytes, one more attempt in its history.
        var first = sandboxGot[0];
        var eventId = first.Header("X-Event-ID");
        var retried = await Stack.SendAsync(Role.Sandbox, HttpMethod.Post, $"/api/v1/balance/webhooks/{eventId}/retry", sandboxKey, "{}");
        Assert.Equal(HttpStatusCode.OK, retried.Status);
        Assert.Equal(1, retried.Data.GetProperty("queued").GetInt32());
        var again = await sandboxReceiver.WaitForAsync(2, Arrival, r => r.Header("X-Event-ID") == eventId);
        Assert.Equal(first.Body, again[1].Body);
        var detail = await KeyTestKit.EventuallyAsync(() => Stack.SendAsync(Role.Sandbox, HttpMethod.Get, $"/api/v1/balance/webhooks/{eventId}", sandboxKey),
            a => a.Data.GetProperty("deliveries")[0].GetProperty("attempts").GetInt32() == 2, Arrival, "second attempt recorded");
        var attempts = detail.Data.GetProperty("deliveries")[0].GetProperty("attemptLog").EnumerateArray().ToList();
        Assert.Equal([1, 2], attempts.Select(a => a.GetProperty("attempt").GetInt32()));
        Assert.All(attempts, a => Assert.Equal("ok", a.GetProperty("response").GetString()));

        // Another environment's key does not see it; nor does another tenant's.
        Assert.Equal(HttpStatusCode.NotFound, (await Stack.SendAsync(Role.Production, HttpMethod.Get, $"/api/v1/balance/webhooks/{eventId}", liveKey)).Status);
        var stranger = await Api.ReadyTenantAsync();
        var strangerKey = (await Api.CreateKeyAsync(stranger, "test")).FullKey;
        var foreign = await Stack.SendAsync(Role.Sandbox, HttpMethod.Post, $"/api/v1/balance/webhooks/{eventId}/retry", strangerKey, "{}");
        var unknown = await Stack.SendAsync(Role.Sandbox, HttpMethod.Post, "/api/v1/balance/webhooks/evt_0000000000000000000000000a/retry", strangerKey, "{}");
        Assert.Equal(HttpStatusCode.NotFound, foreign.Status);
        Assert.Equal(unknown.Raw, foreign.Raw);
        Assert.Equal(2, sandboxReceiver.Received.Count(r => r.Header("X-Event-ID") == eventId));
    }

    [Fact]
    public async Task ReceiverDown_EveryEventArrivesWhenItReturns()
    {
        var session = await Api.ReadyTenantAsync();
        var key = (await Api.CreateKeyAsync(session, "test")).FullKey;
        await using var receiver = await WebhookReceiver.StartAsync();
        await receiver.StopAsync();
        await Api.CreateWebhookAsync(session, "sandbox", receiver.Url);

        var records = await EmitAsync(Role.Sandbox, key, 30, "o");
        await KeyTestKit.EventuallyAsync(() => Stack.SendAsync(Role.Sandbox, HttpMethod.Get, "/api/v1/balance/webhooks?status=retrying&limit=100", key),
            a => a.Data.GetProperty("pagination").GetProperty("total").GetInt64() == 30, Arrival, "30 deliveries waiting for a retry");
        var failed = await Stack.SendAsync(Role.Sandbox, HttpMethod.Get, "/api/v1/balance/webhooks?status=PROCESSING&limit=1", key);
        var one = failed.Data.GetProperty("deliveries")[0];
        Assert.Equal(JsonValueKind.Null, one.GetProperty("lastStatusCode").ValueKind);
        Assert.Contains("connection", one.GetProperty("lastError").GetString(), StringComparison.OrdinalIgnoreCase);

        await receiver.StartAgainAsync();
        var got = await receiver.WaitForAsync(30, TimeSpan.FromSeconds(60));
        var ids = got.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("data").GetProperty("recordId").GetString()!).ToHashSet();
        Assert.Equal(records.ToHashSet(), ids);
    }

    [Fact]
    public async Task RotationOverlap_DeliveriesVerifyWithBothSecrets_ThenOnlyTheNewOne()
    {
        var session = await Api.ReadyTenantAsync();
        var key = (await Api.CreateKeyAsync(session, "test")).FullKey;
        await using var receiver = await WebhookReceiver.StartAsync();
        var hook = await Api.CreateWebhookAsync(session, "sandbox", receiver.Url);
        var rotated = await Api.SendAsync(HttpMethod.Post, $"/dashboard/webhooks/{hook.Id}/rotate-secret", new { overlapHours = 1 }, session);
        Assert.Equal(HttpStatusCode.OK, rotated.Status);
        var newSecret = rotated.Data.GetProperty("secret").GetString()!;
        await WaitForPlaneSecretAsync(hook.Id, newSecret);

        await EmitAsync(Role.Sandbox, key, 1, "r1");
        var during = (await receiver.WaitForAsync(1, Arrival))[0];
        Assert.Equal(2, during.Header("X-PacSpace-Signature").Split(',').Length);
        Assert.True(Verifies(newSecret, during));
        Assert.True(Verifies(hook.Secret, during));
        // The new secret's value comes first.
        Assert.True(Verifies(newSecret, during with { Headers = new Dictionary<string, string> { ["X-PacSpace-Signature"] = during.Header("X-PacSpace-Signature").Split(',')[0], ["X-PacSpace-Timestamp"] = during.Header("X-PacSpace-Timestamp") } }));

        var final = await Api.SendAsync(HttpMethod.Post, $"/dashboard/webhooks/{hook.Id}/rotate-secret", new { overlapHours = 0 }, session);
        var finalSecret = final.Data.GetProperty("secret").GetString()!;
        await WaitForPlaneSecretAsync(hook.Id, finalSecret);
        await EmitAsync(Role.Sandbox, key, 1, "r2");
        var after = (await receiver.WaitForAsync(2, Arrival))[1];
        Assert.Single(after.Header("X-PacSpace-Signature").Split(','));
        Assert.True(Verifies(finalSecret, after));
        Assert.False(Verifies(newSecret, after));
        Assert.False(Verifies(hook.Secret, after));
    }

    [Fact]
    public async Task DeliveryLog_BadInputIsRefusedNamingTheField()
    {
        var session = await Api.ReadyTenantAsync();
        var key = (await Api.CreateKeyAsync(session, "test")).FullKey;
        foreach (var (query, field) in new[] { ("status=delivering", "status"), ("limit=0", "limit"), ("limit=abc", "limit"), ("offset=-1", "offset"), ("endpointId=nope", "endpointId") })
        {
            var answer = await Stack.SendAsync(Role.Sandbox, HttpMethod.Get, "/api/v1/balance/webhooks?" + query, key);
            Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
            Assert.Contains(field, answer.DetailFields);
        }

        var badId = await Stack.SendAsync(Role.Sandbox, HttpMethod.Post, "/api/v1/balance/webhooks/not-an-event/retry", key, "{}");
        Assert.Equal(HttpStatusCode.BadRequest, badId.Status);
        Assert.Contains("eventId", badId.DetailFields);
        var badJson = await Stack.SendAsync(Role.Sandbox, HttpMethod.Post, "/api/v1/balance/webhooks/evt_0000000000000000000000000a/retry", key, "{\"a\":");
        Assert.Equal(HttpStatusCode.BadRequest, badJson.Status);
        var empty = await Stack.SendAsync(Role.Sandbox, HttpMethod.Get, "/api/v1/balance/webhooks", key);
        Assert.Equal(0, empty.Data.GetProperty("pagination").GetProperty("total").GetInt64());
        Assert.Equal(HttpStatusCode.Unauthorized, (await Stack.SendAsync(Role.Sandbox, HttpMethod.Get, "/api/v1/balance/webhooks", null)).Status);
    }

    [Fact]
    public async Task Gone_DisablesTheEndpointOnThePlaneAtOnce()
    {
        var session = await Api.ReadyTenantAsync();
        var key = (await Api.CreateKeyAsync(session, "test")).FullKey;
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = _ => 410;
        var hook = await Api.CreateWebhookAsync(session, "sandbox", receiver.Url);

        await EmitAsync(Role.Sandbox, key, 3, "g");
        await receiver.WaitForAsync(1, Arrival);
        var row = await KeyTestKit.EventuallyAsync(() => Stack.PlaneWebhookAsync(Role.Sandbox, hook.Id), r => r is { Enabled: 0 }, Arrival, "endpoint disabled");
        Assert.Contains("410", row!.DisabledReason);
        // Deltas verified after the endpoint was disabled make no delivery; every delivery made is closed as failed.
        var log = await KeyTestKit.EventuallyAsync(() => Stack.SendAsync(Role.Sandbox, HttpMethod.Get, "/api/v1/balance/webhooks", key),
            a => a.Data.GetProperty("deliveries").EnumerateArray().All(d => d.GetProperty("status").GetString() == "FAILED"), Arrival, "every delivery failed");
        Assert.InRange(log.Data.GetProperty("pagination").GetProperty("total").GetInt64(), 1, 3);
        Assert.Contains(log.Data.GetProperty("deliveries").EnumerateArray(), d => d.GetProperty("lastStatusCode").ValueKind == JsonValueKind.Number
            && d.GetProperty("lastStatusCode").GetInt32() == 410);
        // Nothing is sent to a disabled endpoint.
        var before = receiver.Received.Count;
        await EmitAsync(Role.Sandbox, key, 1, "g2");
        await Task.Delay(1500);
        Assert.Equal(before, receiver.Received.Count);
    }

    [Fact]
    public async Task CheckpointVerified_IsDeliveredWithTheCheckpointsRoots()
    {
        var session = await Api.ReadyTenantAsync();
        var key = (await Api.CreateKeyAsync(session, "test")).FullKey;
        await using var receiver = await WebhookReceiver.StartAsync();
        var hook = await Api.CreateWebhookAsync(session, "sandbox", receiver.Url, events: ["checkpoint.verified"]);
        var records = await EmitAsync(Role.Sandbox, key, 2, "c");
        await Stack.VerifiedAsync(Role.Sandbox, key, records[^1]);

        var made = await Stack.SendAsync(Role.Sandbox, HttpMethod.Post, "/api/v1/balance/checkpoint", key, "{}");
        Assert.Equal(HttpStatusCode.Created, made.Status);
        var got = (await receiver.WaitForAsync(1, Arrival))[0];
        Assert.True(Verifies(hook.Secret, got));
        var body = JsonDocument.Parse(got.Body).RootElement;
        Assert.Equal("checkpoint.verified", body.GetProperty("event").GetString());
        Assert.Equal(made.Data.GetProperty("checkpointId").GetString(), body.GetProperty("data").GetProperty("checkpointId").GetString());
        Assert.Equal(made.Data.GetProperty("proofRoot").GetString(), body.GetProperty("data").GetProperty("proofRoot").GetString());
        // Subscribed to checkpoints only: no delta.verified.
        Assert.DoesNotContain(receiver.Received, r => r.Header("X-Webhook-Event") == "delta.verified");
    }

    [Fact]
    public async Task UnderServeRules_AnAddressThatIsPrivateAtSendTimeIsNeverConnected()
    {
        // The endpoint reaches the plane as if its name had resolved to a public address when it was saved (DNS rebinding):
        // the plane resolves again at each connection and refuses the loopback address it now gives.
        var stack = await StartStackAsync(o => o.Overrides["Webhooks:AllowPrivateNetworks"] = "false");
        var session = await stack.Dashboard.ReadyTenantAsync();
        var key = (await stack.Dashboard.CreateKeyAsync(session, "test")).FullKey;
        await using var receiver = await WebhookReceiver.StartAsync();
        var id = "wh_" + Guid.NewGuid().ToString("N")[..26];
        var state = new { id, tenantId = session.TenantId, environment = "sandbox", url = $"http://localhost:{receiver.Port}/hooks", events = new[] { "delta.verified" },
            enabled = true, deleted = false, secrets = new[] { new { secret = "whsec_rebinding", notAfter = (long?)null } }, version = 1 };
        var put = await stack.SendAsync(Role.Sandbox, HttpMethod.Put, "/internal/v1/webhooks/" + id, null, JsonSerializer.Serialize(state),
            new Dictionary<string, string> { ["X-PacSpace-Service-Secret"] = stack.ServiceSecret });
        Assert.Equal(HttpStatusCode.OK, put.Status);

        await EmitAsync(stack, Role.Sandbox, key, 1, "rb");
        var log = await KeyTestKit.EventuallyAsync(() => stack.SendAsync(Role.Sandbox, HttpMethod.Get, "/api/v1/balance/webhooks", key),
            a => a.Data.GetProperty("deliveries").EnumerateArray().Any(d => d.GetProperty("attempts").GetInt32() >= 1), Arrival, "a failed attempt");
        var error = log.Data.GetProperty("deliveries")[0].GetProperty("lastError").GetString()!;
        Assert.Contains("not allowed", error);
        Assert.Contains("loopback", error);
        var test = await stack.SendAsync(Role.Sandbox, HttpMethod.Post, $"/internal/v1/webhooks/{id}/test", null, JsonSerializer.Serialize(new { tenantId = session.TenantId }),
            new Dictionary<string, string> { ["X-PacSpace-Service-Secret"] = stack.ServiceSecret });
        Assert.False(test.Data.GetProperty("delivered").GetBoolean());
        Assert.Contains("not allowed", test.Data.GetProperty("error").GetString());
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task FailingForFiveDays_DisablesTheEndpoint_ASuccessInBetweenStartsTheCountAgain()
    {
        var clock = new AdjustableClock();
        var stack = await StartStackAsync(o => o.ConfigureServices = (role, services) =>
        {
            if (role == Role.Sandbox)
            {
                services.UseClock(clock);
            }
        });
        var session = await stack.Dashboard.ReadyTenantAsync();
        var key = (await stack.Dashboard.CreateKeyAsync(session, "test")).FullKey;
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = _ => 500;
        var hook = await stack.Dashboard.CreateWebhookAsync(session, "sandbox", receiver.Url);

        // Day 0: failing. Day 4: a success ends the failing streak. Day 8: failing again, but only since day 4.
        await EmitAsync(stack, Role.Sandbox, key, 1, "d0");
        await receiver.WaitForAsync(1, Arrival);
        clock.Advance(TimeSpan.FromDays(4));
        receiver.Answer = _ => 200;
        await EmitAsync(stack, Role.Sandbox, key, 1, "d4");
        await receiver.WaitForAsync(1, Arrival, r => r.Body.Contains("d4-", StringComparison.Ordinal));
        receiver.Answer = _ => 500;
        clock.Advance(TimeSpan.FromDays(1));
        await EmitAsync(stack, Role.Sandbox, key, 1, "d5");
        await receiver.WaitForAsync(1, Arrival, r => r.Body.Contains("d5-", StringComparison.Ordinal));
        clock.Advance(TimeSpan.FromDays(3));
        await EmitAsync(stack, Role.Sandbox, key, 1, "d8");
        await receiver.WaitForAsync(1, Arrival, r => r.Body.Contains("d8-", StringComparison.Ordinal));
        await Task.Delay(500);
        Assert.Equal(1, (await stack.PlaneWebhookAsync(Role.Sandbox, hook.Id))!.Enabled);

        // Day 10.5: every attempt has failed for more than five days.
        clock.Advance(TimeSpan.FromDays(2.5));
        await EmitAsync(stack, Role.Sandbox, key, 1, "d10");
        var row = await KeyTestKit.EventuallyAsync(() => stack.PlaneWebhookAsync(Role.Sandbox, hook.Id), r => r is { Enabled: 0 }, Arrival, "endpoint disabled");
        Assert.Contains("5 days", row!.DisabledReason);
    }

    private Task<List<string>> EmitAsync(Role plane, string key, int count, string prefix) => EmitAsync(Stack, plane, key, count, prefix);

    private static async Task<List<string>> EmitAsync(TestStack stack, Role plane, string key, int count, string prefix)
    {
        var records = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var answer = await stack.EmitAsync(plane, key, $$"""{"customerId": "{{prefix}}-cust-{{i % 3}}", "delta": {{i + 1}}, "reason": "usage"}""");
            Assert.Equal(HttpStatusCode.Created, answer.Status);
            records.Add(answer.Data.GetProperty("recordId").GetString()!);
        }

        return records;
    }

    private async Task WaitForPlaneSecretAsync(string id, string secret) =>
        await KeyTestKit.EventuallyAsync(() => Stack.PlaneWebhookAsync(Role.Sandbox, id), r => r?.Secrets.Any(s => s.Secret == secret) == true, Arrival, "the new secret on the plane");

    private static bool Verifies(string secret, ReceivedWebhook got) =>
        new WebhookVerifier(secret).Verify(got.Header("X-PacSpace-Signature"), got.Header("X-PacSpace-Timestamp"), got.Body);

    private static void AssertEvents(List<ReceivedWebhook> got, string secret, string environment, string tenantId, List<string> records)
    {
        Assert.Equal(records.Count, got.Count);
        var seen = new HashSet<string>();
        foreach (var r in got)
        {
            Assert.True(Verifies(secret, r), "signature");
            var body = JsonDocument.Parse(r.Body).RootElement;
            Assert.Equal("delta.verified", body.GetProperty("event").GetString());
            Assert.Equal("delta.verified", r.Header("X-Webhook-Event"));
            Assert.Equal(body.GetProperty("id").GetString(), r.Header("X-Event-ID"));
            Assert.StartsWith("evt_", r.Header("X-Event-ID"));
            Assert.Equal(environment, body.GetProperty("environment").GetString());
            Assert.Equal(tenantId, body.GetProperty("tenantId").GetString());
            var data = body.GetProperty("data");
            seen.Add(data.GetProperty("recordId").GetString()!);
            Assert.StartsWith("rcp_", data.GetProperty("receiptId").GetString());
            Assert.Equal(JsonValueKind.String, data.GetProperty("sequenceNumber").ValueKind);
            Assert.Equal(64, data.GetProperty("contentHash").GetString()!.Length);
            Assert.True(data.GetProperty("signedHead").GetProperty("treeSize").GetInt64() > data.GetProperty("logIndex").GetInt64());
        }

        Assert.Equal(records.ToHashSet(), seen);
    }
}

public sealed class WebhookDeliveryScenariosOnSqlite() : WebhookDeliveryScenarios(Store.Sqlite, null);

[Collection(PostgresCollection.Name)]
public sealed class WebhookDeliveryScenariosOnPostgres(PostgresServer postgres) : WebhookDeliveryScenarios(Store.Postgres, postgres);
