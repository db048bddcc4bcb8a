using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using MimeKit;
using PacSpace.Cli;
using PacSpace.IntegrationTests.Dashboard;
using PacSpace.IntegrationTests.Infrastructure;
using PacSpace.Sdk;
using PacSpace.Sdk.Webhooks;

namespace PacSpace.IntegrationTests.Webhooks;

/// <summary>
/// The control plane's side of webhook delivery, through real stacks and a real receiver on loopback (the default stack
/// allows private networks, as <c>pacspace up</c> does): test sends through the plane of the endpoint's environment, the
/// delivery log and retries read through the Dashboard API, and the planes' stats feed read back into the endpoints,
/// including an endpoint a plane disabled.
/// </summary>
public abstract class WebhookControlScenarios(Store store, PostgresServer? postgres) : StoreTests(store, postgres)
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Test_BothAuthGenerations_PingReachesTheReceiverSignedWithTheEndpointSecret_AndIsAudited()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var session = await Api.ReadyTenantAsync();
        var endpoint = await Api.CreateWebhookAsync(session, url: receiver.Url, events: ["delta.verified"]);

        var bearer = await Api.PostAsync($"/dashboard/webhooks/{endpoint.Id}/test", null, session);
        var cookie = await Api.SendAsync(HttpMethod.Post, $"/dashboard/webhooks/{endpoint.Id}/test", session: session, auth: Auth.Cookie);

        foreach (var answer in new[] { bearer, cookie })
        {
            Assert.True(answer.Status == HttpStatusCode.OK, answer.ToString());
            Assert.True(answer.Data.GetProperty("delivered").GetBoolean(), answer.ToString());
            Assert.Equal(200, answer.Data.GetProperty("statusCode").GetInt32());
            Assert.True(answer.Data.GetProperty("latencyMs").GetInt64() >= 0);
            Assert.Equal(JsonValueKind.Null, answer.Data.GetProperty("error").ValueKind);
        }

        var eventIds = new[] { bearer, cookie }.Select(a => a.Data.GetProperty("eventId").GetString()!).ToList();
        Assert.NotEqual(eventIds[0], eventIds[1]);
        var pings = receiver.Received.Where(r => r.Header("X-Webhook-Event") == "ping").ToList();
        Assert.Equal(eventIds, pings.Select(p => p.Header("X-Event-ID")));
        var verifier = new WebhookVerifier(endpoint.Secret);
        foreach (var ping in pings)
        {
            Assert.Equal("application/json", ping.Header("Content-Type").Split(';')[0]);
            Assert.StartsWith("v1=", ping.Header("X-PacSpace-Signature"), StringComparison.Ordinal);
            Assert.NotNull(ping.Header("X-PacSpace-Timestamp"));
            Assert.True(verifier.Verify(ping.Header(PacSpaceHeaders.WebhookSignature), ping.Header(PacSpaceHeaders.WebhookTimestamp), ping.Body),
                $"signature {ping.Header("X-PacSpace-Signature")} over {ping.Body}");
            Assert.False(new WebhookVerifier("whsec_" + new string('x', 43)).Verify(ping.Header("X-PacSpace-Signature"), ping.Header("X-PacSpace-Timestamp"), ping.Body));
        }

        var tested = (await AuditAsync(Api, session)).Where(i => i.GetProperty("action").GetString() == "webhook.tested").ToList();
        Assert.Equal(2, tested.Count);
        Assert.All(tested, i =>
        {
            Assert.Equal(endpoint.Id, i.GetProperty("targetId").GetString());
            Assert.Equal(session.UserId, i.GetProperty("actor").GetProperty("userId").GetString());
            Assert.Equal("sandbox", i.GetProperty("details").GetProperty("environment").GetString());
            Assert.True(i.GetProperty("details").GetProperty("delivered").GetBoolean());
        });
        Assert.Equal(eventIds.Order(), tested.Select(i => i.GetProperty("details").GetProperty("eventId").GetString()!).Order());
    }

    [Fact]
    public async Task Test_ReceiverAnswers500_200WithDeliveredFalseAndItsStatusAndAnswer()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = _ => 500;
        var session = await Api.ReadyTenantAsync();
        var endpoint = await Api.CreateWebhookAsync(session, url: receiver.Url);

        var answer = await Api.PostAsync($"/dashboard/webhooks/{endpoint.Id}/test", null, session);

        Assert.True(answer.Status == HttpStatusCode.OK, answer.ToString());
        Assert.False(answer.Data.GetProperty("delivered").GetBoolean());
        Assert.Equal(500, answer.Data.GetProperty("statusCode").GetInt32());
        Assert.Equal("ok", answer.Data.GetProperty("response").GetString());
        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task Test_OtherTenantsUnknownOrDeletedEndpoint_404AndNothingSentOrAudited()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var a = await Api.ReadyTenantAsync();
        var b = await Api.ReadyTenantAsync();
        var endpoint = await Api.CreateWebhookAsync(a, url: receiver.Url);
        var deleted = await Api.CreateWebhookAsync(a, url: receiver.Url);
        Assert.Equal(HttpStatusCode.OK, (await Api.SendAsync(HttpMethod.Delete, $"/dashboard/webhooks/{deleted.Id}", session: a)).Status);
        var auditBefore = (await AuditAsync(Api, a)).Count;

        var answers = new[]
        {
            await Api.PostAsync($"/dashboard/webhooks/{endpoint.Id}/test", null, b),
            await Api.SendAsync(HttpMethod.Post, $"/dashboard/webhooks/{endpoint.Id}/test", session: b, auth: Auth.Cookie),
            await Api.PostAsync($"/dashboard/webhooks/{deleted.Id}/test", null, a),
            await Api.PostAsync("/dashboard/webhooks/wh_0000000000000000000000000z/test", null, a),
            await Api.PostAsync("/dashboard/webhooks/not-an-id/test", null, a),
            await Api.PostAsync("/dashboard/webhooks/deliveries/test", null, a),
        };

        Assert.All(answers, x => Assert.True(x.Status == HttpStatusCode.NotFound && x.Code == "NOT_FOUND", x.ToString()));
        Assert.Empty(receiver.Received);
        Assert.Empty(await AuditAsync(Api, b));
        Assert.Equal(auditBefore, (await AuditAsync(Api, a)).Count);
    }

    [Fact]
    public async Task Test_DisabledEndpoint_409WebhookDisabledSayingHowToEnableIt_AndNothingSent()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var session = await Api.ReadyTenantAsync();
        var endpoint = await Api.CreateWebhookAsync(session, url: receiver.Url);
        Assert.Equal(HttpStatusCode.OK, (await Api.SendAsync(HttpMethod.Patch, $"/dashboard/webhooks/{endpoint.Id}", new { enabled = false }, session)).Status);

        var answer = await Api.SendAsync(HttpMethod.Post, $"/dashboard/webhooks/{endpoint.Id}/test", session: session, auth: Auth.Cookie);

        Assert.Equal(HttpStatusCode.Conflict, answer.Status);
        Assert.Equal("WEBHOOK_DISABLED", answer.Code);
        Assert.Contains("\"enabled\":true", answer.Body.GetProperty("error").GetProperty("message").GetString());
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task Test_CookieWithoutCsrfHeaderOrNoSession_RefusedBeforeAnythingIsSent()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var session = await Api.ReadyTenantAsync();
        var endpoint = await Api.CreateWebhookAsync(session, url: receiver.Url);

        var noCsrf = await Api.SendAsync(HttpMethod.Post, $"/dashboard/webhooks/{endpoint.Id}/test", session: session, auth: Auth.Cookie, csrf: false);
        var anonymous = await Api.PostAsync($"/dashboard/webhooks/{endpoint.Id}/test", null);

        Assert.Equal((HttpStatusCode.Forbidden, "CSRF_REQUIRED"), (noCsrf.Status, noCsrf.Code));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task Test_PlaneDown_503WithRetryAfter()
    {
        var session = await Api.ReadyTenantAsync();
        var endpoint = await Api.CreateWebhookAsync(session, url: "http://127.0.0.1:9/down");
        await Stack.StopAsync(Role.Sandbox);

        var answer = await Api.PostAsync($"/dashboard/webhooks/{endpoint.Id}/test", null, session);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.Status);
        Assert.Equal("SERVICE_UNAVAILABLE", answer.Code);
        Assert.Equal(TimeSpan.FromSeconds(5), answer.Headers.RetryAfter?.Delta);
        Assert.Contains("sandbox", answer.Body.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Test_EndpointNotYetOnItsPlane_409WebhookNotSyncedWithARetryHint()
    {
        // Neither the sync worker nor the plane's start-up catch-up: the endpoint reaches the plane only when the test says so.
        var stack = await StartStackAsync(o =>
        {
            o.Overrides["WebhookSync:WorkerEnabled"] = "false";
            o.Overrides["Plane:ControlPlaneUrl"] = "";
        });
        await using var receiver = await WebhookReceiver.StartAsync();
        var session = await stack.Dashboard.ReadyTenantAsync();
        await stack.StopAsync(Role.Sandbox);
        var created = await stack.Dashboard.PostAsync("/dashboard/webhooks", new { url = receiver.Url }, session);
        Assert.Equal("pending", created.Data.GetProperty("syncStatus").GetString());
        await stack.StartAsync(Role.Sandbox);

        var answer = await stack.Dashboard.PostAsync($"/dashboard/webhooks/{created.Data.GetProperty("id").GetString()}/test", null, session);

        Assert.Equal(HttpStatusCode.Conflict, answer.Status);
        Assert.Equal("WEBHOOK_NOT_SYNCED", answer.Code);
        Assert.Equal(2, answer.Body.GetProperty("error").GetProperty("retryAfterSeconds").GetInt32());
        Assert.Contains("Try again", answer.Body.GetProperty("error").GetProperty("message").GetString());
        Assert.Empty(receiver.Received);
    }

    [Theory]
    [InlineData("status=bogus", "status")]
    [InlineData("status=", null)]
    [InlineData("status=delivered&status=failed", "status")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("offset=-1", "offset")]
    [InlineData("environment=staging", "environment")]
    [InlineData("endpointId=nope", "endpointId")]
    public async Task Deliveries_BadQuery_400NamingTheField(string query, string? field)
    {
        var session = await Api.ReadyTenantAsync();
        await Stack.StopAsync(Role.Sandbox); // the query is checked before the plane is asked

        var answer = await Api.GetAsync($"/dashboard/webhooks/deliveries?{query}", session);
        var one = await Api.GetAsync($"/dashboard/webhooks/deliveries/evt_0000000000000000000000000z?{query}", session);

        if (field is null)
        {
            // An empty value is no filter: the query is fine, and the plane (down) is asked.
            Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.Status);
            return;
        }

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("VALIDATION_ERROR", answer.Code);
        Assert.Equal([field], answer.DetailFields);
        Assert.Contains(field, answer.Body.GetProperty("error").GetProperty("message").GetString());
        if (field == "environment")
        {
            Assert.Equal(["environment"], one.DetailFields);
        }
    }

    [Fact]
    public async Task Deliveries_SeveralBadFields_AllNamedInOneAnswer_AndRetryChecksTheEnvironmentToo()
    {
        var session = await Api.ReadyTenantAsync();

        var answer = await Api.GetAsync("/dashboard/webhooks/deliveries?status=sent&limit=1000&environment=qa", session);
        var retry = await Api.PostAsync("/dashboard/webhooks/deliveries/evt_0000000000000000000000000z/retry?environment=qa", null, session);

        Assert.Equal(["environment", "status", "limit"], answer.DetailFields);
        Assert.Contains("pending, retrying, delivered, failed", answer.Body.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal((HttpStatusCode.BadRequest, "VALIDATION_ERROR"), (retry.Status, retry.Code));
        Assert.Equal(["environment"], retry.DetailFields);
    }

    [Theory]
    [InlineData("nope")]
    [InlineData("evt_short")]
    [InlineData("wh_0000000000000000000000000z")]
    public async Task Deliveries_MalformedEventId_400NamingEventId_BeforeThePlaneIsAsked(string eventId)
    {
        var session = await Api.ReadyTenantAsync();
        await Stack.StopAsync(Role.Sandbox);

        var one = await Api.GetAsync($"/dashboard/webhooks/deliveries/{eventId}", session);
        var retry = await Api.PostAsync($"/dashboard/webhooks/deliveries/{eventId}/retry?environment=qa", null, session);

        Assert.Equal((HttpStatusCode.BadRequest, "VALIDATION_ERROR"), (one.Status, one.Code));
        Assert.Equal(["eventId"], one.DetailFields);
        Assert.Equal(["eventId", "environment"], retry.DetailFields);
        Assert.Empty(await AuditAsync(Api, session));
    }

    [Fact]
    public async Task Deliveries_ProductionNotAllowedOrNotActive_TheAnswersOfEveryEnvironmentScopedRoute()
    {
        var session = await Api.ReadyTenantAsync();

        var free = await Api.GetAsync("/dashboard/webhooks/deliveries?environment=production", session);
        var freeRetry = await Api.PostAsync("/dashboard/webhooks/deliveries/evt_0000000000000000000000000z/retry?environment=live", null, session);
        Assert.Equal(HttpStatusCode.OK, (await Api.PostAsync("/dashboard/billing/plan", new { tier = "pilot" }, session)).Status);
        var inactive = await Api.GetAsync("/dashboard/webhooks/deliveries/evt_0000000000000000000000000z?environment=mainnet", session, Auth.Cookie);

        Assert.Equal((HttpStatusCode.Forbidden, "PLAN_UPGRADE_REQUIRED"), (free.Status, free.Code));
        Assert.Equal((HttpStatusCode.Forbidden, "PLAN_UPGRADE_REQUIRED"), (freeRetry.Status, freeRetry.Code));
        Assert.Equal((HttpStatusCode.Conflict, "ENVIRONMENT_NOT_ACTIVE"), (inactive.Status, inactive.Code));
        Assert.Contains("Production webhook deliveries", inactive.Body.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Deliveries_PlaneDown_503WithRetryAfter()
    {
        var session = await Api.ReadyTenantAsync();
        await Stack.StopAsync(Role.Sandbox);

        var list = await Api.GetAsync("/dashboard/webhooks/deliveries", session);
        var retry = await Api.PostAsync("/dashboard/webhooks/deliveries/evt_0000000000000000000000000z/retry", null, session);

        Assert.Equal((HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE"), (list.Status, list.Code));
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE"), (retry.Status, retry.Code));
        Assert.Equal(TimeSpan.FromSeconds(5), list.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task Deliveries_ListGetAndRetry_ThroughTheDashboard_ForTheEnvironmentAskedFor()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = _ => 500;
        var session = await Api.ReadyTenantAsync();
        var endpoint = await Api.CreateWebhookAsync(session, url: receiver.Url, events: ["delta.verified"]);
        var key = await Api.CreateKeyAsync(session);
        var emitted = await Stack.EmitAsync(Role.Sandbox, key.FullKey, """{"customerId":"c1","delta":-3,"reason":"api calls"}""");
        Assert.Equal(HttpStatusCode.Created, emitted.Status);
        var first = (await receiver.WaitForAsync(1, Soon, r => r.Header("X-Webhook-Event") == "delta.verified"))[0];
        var eventId = first.Header("X-Event-ID");

        var listed = await KeyTestKit.EventuallyAsync(() => Api.GetAsync("/dashboard/webhooks/deliveries", session),
            a => a.Status == HttpStatusCode.OK && a.Data.GetProperty("deliveries").GetArrayLength() == 1
                && a.Data.GetProperty("deliveries")[0].GetProperty("attempts").GetInt32() >= 1, Soon, "the delivery listed with its attempt");
        var byStatus = await Api.GetAsync("/dashboard/webhooks/deliveries?environment=test&status=PROCESSING&limit=5&offset=0", session, Auth.Cookie);
        var delivered = await Api.GetAsync("/dashboard/webhooks/deliveries?status=delivered", session);
        var ofEndpoint = await Api.GetAsync($"/dashboard/webhooks/deliveries?endpointId={endpoint.Id}", session);
        var ofOther = await Api.GetAsync("/dashboard/webhooks/deliveries?endpointId=wh_0000000000000000000000000z", session);
        var one = await Api.GetAsync($"/dashboard/webhooks/deliveries/{eventId}?environment=sandbox", session);

        var item = listed.Data.GetProperty("deliveries")[0];
        Assert.Equal((eventId, "delta.verified", endpoint.Id, receiver.Url),
            (item.GetProperty("eventId").GetString(), item.GetProperty("event").GetString(), item.GetProperty("endpointId").GetString(), item.GetProperty("url").GetString()));
        Assert.Equal(500, item.GetProperty("lastStatusCode").GetInt32());
        Assert.Equal(1, listed.Data.GetProperty("pagination").GetProperty("total").GetInt64());
        Assert.True(byStatus.Status == HttpStatusCode.OK, byStatus.ToString());
        Assert.Equal(eventId, byStatus.Data.GetProperty("deliveries")[0].GetProperty("eventId").GetString());
        Assert.Equal(5, byStatus.Data.GetProperty("pagination").GetProperty("limit").GetInt32());
        Assert.Equal(0, delivered.Data.GetProperty("deliveries").GetArrayLength());
        Assert.Equal(1, ofEndpoint.Data.GetProperty("deliveries").GetArrayLength());
        Assert.Equal(0, ofOther.Data.GetProperty("deliveries").GetArrayLength());
        Assert.True(one.Status == HttpStatusCode.OK, one.ToString());
        var log = one.Data.GetProperty("deliveries")[0].GetProperty("attemptLog");
        Assert.True(log.GetArrayLength() >= 1);
        Assert.Equal(500, log[0].GetProperty("statusCode").GetInt32());
        Assert.Equal("ok", log[0].GetProperty("response").GetString());

        receiver.Answer = _ => 200;
        var before = receiver.Received.Count(r => r.Header("X-Event-ID") == eventId);
        var retried = await Api.SendAsync(HttpMethod.Post, $"/dashboard/webhooks/deliveries/{eventId}/retry", session: session, auth: Auth.Cookie);

        Assert.True(retried.Status == HttpStatusCode.OK, retried.ToString());
        Assert.Equal(eventId, retried.Data.GetProperty("eventId").GetString());
        Assert.Equal(1, retried.Data.GetProperty("queued").GetInt32());
        await receiver.WaitForAsync(before + 1, Soon, r => r.Header("X-Event-ID") == eventId);
        var done = await KeyTestKit.EventuallyAsync(() => Api.GetAsync($"/dashboard/webhooks/deliveries/{eventId}", session),
            a => a.Data.GetProperty("deliveries")[0].GetProperty("deliveryStatus").GetString() == "delivered", Soon, "delivered after the retry");
        Assert.Equal("VERIFIED", done.Data.GetProperty("deliveries")[0].GetProperty("status").GetString());
        var audited = (await AuditAsync(Api, session)).Single(i => i.GetProperty("action").GetString() == "webhook.retried");
        Assert.Equal((eventId, "sandbox"), (audited.GetProperty("targetId").GetString(), audited.GetProperty("details").GetProperty("environment").GetString()));
        Assert.Equal(session.UserId, audited.GetProperty("actor").GetProperty("userId").GetString());
    }

    [Fact]
    public async Task Deliveries_AnotherTenantsOrAnUnknownEvent_404_AndListsHoldOnlyTheTenantsOwn()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var a = await Api.ReadyTenantAsync();
        var b = await Api.ReadyTenantAsync();
        await Api.CreateWebhookAsync(a, url: receiver.Url, events: ["delta.verified"]);
        var key = await Api.CreateKeyAsync(a);
        await Stack.EmitAsync(Role.Sandbox, key.FullKey, """{"customerId":"c1","delta":1,"reason":"seed"}""");
        var eventId = (await receiver.WaitForAsync(1, Soon, r => r.Header("X-Webhook-Event") == "delta.verified"))[0].Header("X-Event-ID");

        var foreign = await Api.GetAsync($"/dashboard/webhooks/deliveries/{eventId}", b);
        var foreignRetry = await Api.PostAsync($"/dashboard/webhooks/deliveries/{eventId}/retry", null, b);
        var unknown = await Api.GetAsync("/dashboard/webhooks/deliveries/evt_0000000000000000000000000y", a);
        var unknownRetry = await Api.PostAsync("/dashboard/webhooks/deliveries/evt_0000000000000000000000000y/retry", null, a);
        var bList = await Api.GetAsync("/dashboard/webhooks/deliveries", b);

        Assert.All(new[] { foreign, foreignRetry, unknown, unknownRetry }, x => Assert.True(x.Status == HttpStatusCode.NotFound, x.ToString()));
        Assert.Equal(0, bList.Data.GetProperty("deliveries").GetArrayLength());
        Assert.Empty(await AuditAsync(Api, b));
        Assert.DoesNotContain(await AuditAsync(Api, a), i => i.GetProperty("action").GetString() == "webhook.retried");
    }

    [Fact]
    public async Task Stats_DeliveryToTheReceiver_RaisesSuccessCountAndLastTriggered_InTheEndpointViews()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var session = await Api.ReadyTenantAsync();
        var endpoint = await Api.CreateWebhookAsync(session, url: receiver.Url, events: ["delta.verified"]);
        var key = await Api.CreateKeyAsync(session);
        var started = DateTimeOffset.UtcNow;

        await Stack.EmitAsync(Role.Sandbox, key.FullKey, """{"customerId":"c1","delta":-1,"reason":"one"}""");
        await Stack.EmitAsync(Role.Sandbox, key.FullKey, """{"customerId":"c2","delta":-2,"reason":"two"}""");

        var read = await KeyTestKit.EventuallyAsync(() => Api.GetAsync($"/dashboard/webhooks/{endpoint.Id}", session),
            a => a.Data.GetProperty("successCount").GetInt64() == 2, Soon, "two successes reported");
        Assert.Equal(0, read.Data.GetProperty("failureCount").GetInt64());
        Assert.InRange(DateTimeOffset.Parse(read.Data.GetProperty("lastTriggered").GetString()!), started.AddSeconds(-5), DateTimeOffset.UtcNow.AddSeconds(5));
        Assert.True(read.Data.GetProperty("enabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, read.Data.GetProperty("disabledAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, read.Data.GetProperty("disabledReason").ValueKind);
        var listed = (await Api.GetAsync("/dashboard/webhooks", session)).Data.GetProperty("webhooks")[0];
        Assert.Equal(2, listed.GetProperty("successCount").GetInt64());
        Assert.Equal(2, receiver.Received.Count(r => r.Header("X-Webhook-Event") == "delta.verified"));
    }

    [Fact]
    public async Task Stats_ReceiverAnswers410_EndpointDisabledAuditedByTheSystemOwnerMailedAndSyncedBack_ThenReenabledByTheUser()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = _ => 410;
        var session = await Api.ReadyTenantAsync();
        var endpoint = await Api.CreateWebhookAsync(session, url: receiver.Url, events: ["delta.verified"]);
        var key = await Api.CreateKeyAsync(session);

        await Stack.EmitAsync(Role.Sandbox, key.FullKey, """{"customerId":"c1","delta":-1,"reason":"one"}""");

        var disabled = await KeyTestKit.EventuallyAsync(() => Api.GetAsync($"/dashboard/webhooks/{endpoint.Id}", session),
            a => !a.Data.GetProperty("enabled").GetBoolean(), Soon, "the endpoint disabled");
        var view = disabled.Data;
        Assert.NotEqual(JsonValueKind.Null, view.GetProperty("disabledAt").ValueKind);
        Assert.False(string.IsNullOrWhiteSpace(view.GetProperty("disabledReason").GetString()));
        Assert.Equal(1, view.GetProperty("failureCount").GetInt64());

        // Synced back: the plane holds the control plane's newer state, disabled.
        await KeyTestKit.EventuallyAsync(() => Api.GetAsync($"/dashboard/webhooks/{endpoint.Id}", session),
            a => a.Data.GetProperty("syncStatus").GetString() == "synced", Soon, "the disabling delivered to the plane");
        var onPlane = await Stack.PlaneWebhookAsync(Role.Sandbox, endpoint.Id);
        Assert.Equal((0L, 2L), (onPlane!.Enabled, onPlane.Version));

        var audit = (await AuditAsync(Api, session)).Single(i => i.GetProperty("action").GetString() == "webhook.disabled");
        Assert.Equal(endpoint.Id, audit.GetProperty("targetId").GetString());
        Assert.Equal(JsonValueKind.Null, audit.GetProperty("actor").GetProperty("userId").ValueKind);
        Assert.Equal("system", audit.GetProperty("actor").GetProperty("origin").GetString());
        Assert.Equal(view.GetProperty("disabledReason").GetString(), audit.GetProperty("details").GetProperty("reason").GetString());

        var mail = await MailAsync(session.Email, "disabled a Sandbox webhook endpoint");
        Assert.Contains(endpoint.Id, mail.TextBody);
        Assert.Contains(receiver.Url, mail.TextBody);
        Assert.Contains("Sandbox", mail.TextBody);
        Assert.Contains(view.GetProperty("disabledReason").GetString()!, mail.TextBody);
        Assert.Contains("\"enabled\": true", mail.TextBody);

        var test = await Api.PostAsync($"/dashboard/webhooks/{endpoint.Id}/test", null, session);
        Assert.Equal("WEBHOOK_DISABLED", test.Code);
        Assert.Contains("PacSpace disabled it", test.Body.GetProperty("error").GetProperty("message").GetString());

        receiver.Answer = _ => 200;
        var reenabled = await Api.SendAsync(HttpMethod.Patch, $"/dashboard/webhooks/{endpoint.Id}", new { enabled = true }, session, Auth.Cookie);
        Assert.True(reenabled.Data.GetProperty("enabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, reenabled.Data.GetProperty("disabledAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, reenabled.Data.GetProperty("disabledReason").ValueKind);
        await using (var c = await Stack.ControlDb.OpenAsync(default))
        {
            Assert.Equal(0, await c.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM webhook_endpoints WHERE id = @id AND (disabled_at IS NOT NULL OR disabled_reason IS NOT NULL)", new { id = endpoint.Id }));
        }

        // The plane's earlier report does not disable it again: the user's change is newer.
        await Task.Delay(TimeSpan.FromSeconds(5));
        var after = await Api.GetAsync($"/dashboard/webhooks/{endpoint.Id}", session);
        Assert.True(after.Data.GetProperty("enabled").GetBoolean(), after.ToString());
        Assert.Single(await AuditAsync(Api, session), i => i.GetProperty("action").GetString() == "webhook.disabled");
        var pinged = await Api.PostAsync($"/dashboard/webhooks/{endpoint.Id}/test", null, session);
        Assert.True(pinged.Data.GetProperty("delivered").GetBoolean(), pinged.ToString());
    }

    [Fact]
    public async Task Stats_OnePlaneDown_TheOtherPlanesFiguresStillArrive_AndItsCursorMoves()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var session = await Api.ReadyTenantAsync();
        var endpoint = await Api.CreateWebhookAsync(session, url: receiver.Url, events: ["delta.verified"]);
        var key = await Api.CreateKeyAsync(session);
        await Stack.StopAsync(Role.Production);

        await Stack.EmitAsync(Role.Sandbox, key.FullKey, """{"customerId":"c1","delta":-1,"reason":"one"}""");

        await KeyTestKit.EventuallyAsync(() => Api.GetAsync($"/dashboard/webhooks/{endpoint.Id}", session),
            a => a.Data.GetProperty("successCount").GetInt64() == 1, Soon, "the success reported while the other plane is down");
        await KeyTestKit.EventuallyAsync(async () =>
            {
                await using var c = await Stack.ControlDb.OpenAsync(default);
                return await c.ExecuteScalarAsync<long?>("SELECT webhook_stats_after FROM plane_cursors WHERE plane = 'sandbox'") ?? 0;
            }, after => after > 0, Soon, "the Sandbox stats cursor moved");
    }

    [Fact]
    public async Task Sdk_TestsAnEndpointAndReadsAndRetriesItsDeliveries_ThroughBothClients()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = _ => 503;
        var session = await Api.ReadyTenantAsync();
        var key = await Api.CreateKeyAsync(session);
        using var dashboard = new PacSpace.Sdk.Dashboard.PacSpaceDashboardClient(new() { BaseUrl = Stack.Local.Url(Role.Dashboard), AccessToken = session.Token });
        using var balance = new PacSpaceClient(new PacSpaceClientOptions { ApiKey = key.FullKey, SandboxUrl = Stack.Local.Url(Role.Sandbox) });
        var endpoint = await dashboard.CreateWebhookAsync(receiver.Url, [PacSpace.Sdk.Dashboard.WebhookEventTypes.DeltaVerified]);

        var tested = await dashboard.TestWebhookAsync(endpoint.Id);
        await Stack.EmitAsync(Role.Sandbox, key.FullKey, """{"customerId":"c1","delta":-1,"reason":"one"}""");
        var eventId = (await receiver.WaitForAsync(1, Soon, r => r.Header("X-Webhook-Event") == "delta.verified"))[0].Header(PacSpaceHeaders.WebhookEventId);
        // The receiver has the first attempt a moment before the plane records its outcome.
        var fromDashboard = await KeyTestKit.EventuallyAsync(() => dashboard.ListWebhookDeliveriesAsync("sandbox", WebhookDeliveryStatuses.Retrying),
            p => p.Deliveries.Count == 1, Soon, "the delivery retrying");
        var fromPlane = await balance.Balance.ListWebhookDeliveriesAsync("PROCESSING", 10, 0);
        var one = await dashboard.GetWebhookDeliveryAsync(eventId);
        var onePlane = await balance.Balance.GetWebhookDeliveryAsync(eventId);
        receiver.Answer = _ => 200;
        var retried = await dashboard.RetryWebhookDeliveryAsync(eventId, "test");
        var retriedOnPlane = await balance.Balance.RetryWebhookAsync(eventId);
        var missing = await Assert.ThrowsAsync<PacSpaceException>(() => dashboard.GetWebhookDeliveryAsync("evt_0000000000000000000000000y"));
        await dashboard.UpdateWebhookAsync(endpoint.Id, new PacSpace.Sdk.Dashboard.WebhookEndpointChanges { Enabled = false });
        var disabled = await Assert.ThrowsAsync<PacSpaceException>(() => dashboard.TestWebhookAsync(endpoint.Id));

        Assert.False(tested.Delivered);
        Assert.Equal(503, tested.StatusCode);
        Assert.Equal(eventId, Assert.Single(fromDashboard.Deliveries).EventId);
        Assert.Equal(eventId, Assert.Single(fromPlane.Deliveries).EventId);
        Assert.Equal(10, fromPlane.Pagination.Limit);
        Assert.Equal("PROCESSING", fromPlane.Deliveries[0].Status);
        Assert.NotEmpty(one.Deliveries[0].AttemptLog!);
        Assert.Equal(one.Deliveries[0].EndpointId, onePlane.Deliveries[0].EndpointId);
        Assert.Equal((eventId, 1), (retried.EventId, retried.Queued));
        Assert.Equal(eventId, retriedOnPlane.EventId);
        Assert.Equal(404, missing.StatusCode);
        Assert.Equal((409, PacSpaceErrorCodes.WebhookDisabled), (disabled.StatusCode, disabled.Code));
    }

    [Fact]
    public async Task OpenApi_ListsTheNewRoutesWithTheirAnswers_AndDeliveriesIsNotAnEndpointId()
    {
        var session = await Api.ReadyTenantAsync();
        using var doc = JsonDocument.Parse(await Api.Http.GetStringAsync("/openapi/v1.json"));
        var paths = doc.RootElement.GetProperty("paths");
        var schemas = doc.RootElement.GetProperty("components").GetProperty("schemas");

        Assert.True(paths.GetProperty("/dashboard/webhooks/{id}/test").TryGetProperty("post", out _));
        Assert.True(paths.GetProperty("/dashboard/webhooks/deliveries").TryGetProperty("get", out var list));
        Assert.True(paths.GetProperty("/dashboard/webhooks/deliveries/{eventId}").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/dashboard/webhooks/deliveries/{eventId}/retry").TryGetProperty("post", out _));
        Assert.Equal(["environment", "status", "limit", "offset", "endpointId"],
            list.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        foreach (var schema in new[] { "WebhookTestResult", "WebhookDeliveryPage", "WebhookDeliveryView", "WebhookAttemptView", "WebhookRetryResult" })
        {
            Assert.True(schemas.TryGetProperty(schema, out _), $"schema {schema} missing");
        }

        Assert.Contains("disabledAt", schemas.GetProperty("WebhookView").GetProperty("properties").EnumerateObject().Select(p => p.Name));

        // The literal segment wins over {id}: a PATCH or DELETE of "deliveries" is an unknown endpoint, not the log.
        Assert.Equal(HttpStatusCode.NotFound, (await Api.SendAsync(HttpMethod.Patch, "/dashboard/webhooks/deliveries", new { enabled = false }, session)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.SendAsync(HttpMethod.Delete, "/dashboard/webhooks/deliveries", session: session)).Status);
    }

    private static async Task<List<JsonElement>> AuditAsync(DashboardApi api, Session session)
    {
        var answer = await api.GetAsync("/dashboard/audit-log?limit=100", session);
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        return answer.Data.GetProperty("items").EnumerateArray().ToList();
    }

    /// <summary>The newest mail to <paramref name="to"/> whose subject contains <paramref name="subject"/>, from the stack's outbox folder.</summary>
    private async Task<MimeMessage> MailAsync(string to, string subject)
    {
        var outbox = Path.Combine(Stack.DataDirectory, "outbox");
        var deadline = DateTime.UtcNow + Soon;
        while (true)
        {
            foreach (var file in Directory.Exists(outbox) ? Directory.GetFiles(outbox, "*.eml").OrderDescending().ToArray() : [])
            {
                var message = await MimeMessage.LoadAsync(file);
                if (message.To.Mailboxes.Any(m => m.Address == to) && (message.Subject ?? "").Contains(subject, StringComparison.Ordinal))
                {
                    return message;
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No mail \"{subject}\" to {to} in {outbox}.");
            }

            await Task.Delay(50);
        }
    }

}

public sealed class WebhookControlScenariosOnSqlite() : WebhookControlScenarios(Store.Sqlite, null);

[Collection(PostgresCollection.Name)]
public sealed class WebhookControlScenariosOnPostgres(PostgresServer postgres) : WebhookControlScenarios(Store.Postgres, postgres);
