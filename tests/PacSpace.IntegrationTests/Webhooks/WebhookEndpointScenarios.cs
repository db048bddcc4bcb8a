using System.Buffers.Text;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using PacSpace.Cli;
using PacSpace.Contracts.Webhooks;
using PacSpace.IntegrationTests.Dashboard;
using PacSpace.IntegrationTests.Infrastructure;

namespace PacSpace.IntegrationTests.Webhooks;

/// <summary>
/// Webhook endpoints on the Dashboard API, their delivery to the plane of their environment, and the address rules, through
/// real HTTP. The default stack allows private networks (as <c>pacspace up</c> does, so that later delivery tests can use
/// receivers on loopback); the address refusals run on a second stack of the class that does not.
/// </summary>
public abstract partial class WebhookEndpointScenarios(Store store, PostgresServer? postgres, SharedStacks shared) : SharedStackTests(store, postgres, shared)
{
    private static readonly string[] Catalog = ["delta.verified", "delta.failed", "checkpoint.verified", "record.committed", "record.failed"];

    [Fact]
    public async Task Create_BearerAndCookie_SecretShownOnceAndNeverInListOrGet()
    {
        var session = await Api.ReadyTenantAsync();

        var bearer = await Api.SendAsync(HttpMethod.Post, "/dashboard/webhooks", new { url = WebhookTestKit.PublicUrl, description = "billing" }, session, Auth.Bearer);
        var cookie = await Api.SendAsync(HttpMethod.Post, "/dashboard/webhooks", new { url = "http://127.0.0.1:9/hooks" }, session, Auth.Cookie);

        Assert.Equal(HttpStatusCode.Created, bearer.Status);
        Assert.Equal(HttpStatusCode.Created, cookie.Status);
        foreach (var created in new[] { bearer, cookie })
        {
            var data = created.Data;
            Assert.Matches(WebhookId(), data.GetProperty("id").GetString());
            var secret = data.GetProperty("secret").GetString()!;
            Assert.Matches(@"^whsec_[A-Za-z0-9_-]{43}$", secret);
            Assert.Equal(32, Base64Url.DecodeFromChars(secret.AsSpan("whsec_".Length)).Length);
            Assert.Equal("sandbox", data.GetProperty("environment").GetString());
            Assert.Equal(Catalog, data.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
            Assert.True(data.GetProperty("enabled").GetBoolean());
            Assert.Equal("synced", data.GetProperty("syncStatus").GetString());
            Assert.True(DateTimeOffset.TryParse(data.GetProperty("createdAt").GetString(), out _));
            Assert.Contains("shown only this once", created.Body.GetProperty("message").GetString());
        }

        Assert.Equal("billing", bearer.Data.GetProperty("description").GetString());
        Assert.Equal(WebhookTestKit.PublicUrl, bearer.Data.GetProperty("url").GetString());
        Assert.NotEqual(bearer.Data.GetProperty("secret").GetString(), cookie.Data.GetProperty("secret").GetString());

        var list = await Api.GetAsync("/dashboard/webhooks", session, Auth.Cookie);
        var one = await Api.GetAsync($"/dashboard/webhooks/{bearer.Data.GetProperty("id").GetString()}", session);
        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.Equal(2, list.Data.GetProperty("webhooks").GetArrayLength());
        var pagination = list.Data.GetProperty("pagination");
        Assert.Equal((1, 20, 2, 1), (pagination.GetProperty("page").GetInt32(), pagination.GetProperty("limit").GetInt32(),
            pagination.GetProperty("total").GetInt64(), pagination.GetProperty("totalPages").GetInt64()));
        var item = one.Data;
        Assert.Equal(JsonValueKind.Null, item.GetProperty("lastTriggered").ValueKind);
        Assert.Equal(0, item.GetProperty("successCount").GetInt64());
        Assert.Equal(0, item.GetProperty("failureCount").GetInt64());
        Assert.Equal("billing", item.GetProperty("description").GetString());
        Assert.False(item.TryGetProperty("secret", out _));
        foreach (var created in new[] { bearer, cookie })
        {
            var secret = created.Data.GetProperty("secret").GetString()!;
            Assert.DoesNotContain(secret, list.Raw);
            Assert.DoesNotContain(secret, one.Raw);
        }

        Assert.DoesNotContain("whsec_", list.Raw);
    }

    [Fact]
    public async Task Create_CookieWithoutCsrfHeader_403AndNothingWritten()
    {
        var session = await Api.ReadyTenantAsync();

        var answer = await Api.SendAsync(HttpMethod.Post, "/dashboard/webhooks", new { url = WebhookTestKit.PublicUrl }, session, Auth.Cookie, csrf: false);
        var anonymous = await Api.SendAsync(HttpMethod.Post, "/dashboard/webhooks", new { url = WebhookTestKit.PublicUrl });

        Assert.Equal(HttpStatusCode.Forbidden, answer.Status);
        Assert.Equal("CSRF_REQUIRED", answer.Code);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
        Assert.Equal(0, (await Api.GetAsync("/dashboard/webhooks", session)).Data.GetProperty("pagination").GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Create_WithoutEnvironment_UsesThePreferredOne_AndEveryAliasIsAccepted()
    {
        var session = await Api.ReadyTenantAsync();
        await Api.ActivateProductionAsync(session);

        var beforePreference = await Api.CreateWebhookAsync(session);
        Assert.Equal(HttpStatusCode.OK, (await Api.SendAsync(HttpMethod.Patch, "/dashboard/auth/preferences", new { preferredEnvironment = "production" }, session)).Status);
        var afterPreference = await Api.CreateWebhookAsync(session);
        var aliases = new Dictionary<string, string>();
        foreach (var alias in new[] { "sandbox", "testnet", "test", "production", "mainnet", "live" })
        {
            aliases[alias] = (await Api.CreateWebhookAsync(session, alias)).Data.GetProperty("environment").GetString()!;
        }

        Assert.Equal("sandbox", beforePreference.Data.GetProperty("environment").GetString());
        Assert.Equal("production", afterPreference.Data.GetProperty("environment").GetString());
        Assert.Equal(new Dictionary<string, string>
        {
            ["sandbox"] = "sandbox", ["testnet"] = "sandbox", ["test"] = "sandbox",
            ["production"] = "production", ["mainnet"] = "production", ["live"] = "production",
        }, aliases);
        foreach (var (filter, count) in new[] { ("sandbox", 4), ("testnet", 4), ("live", 4), ("production", 4) })
        {
            var listed = await Api.GetAsync($"/dashboard/webhooks?environment={filter}", session);
            Assert.Equal(count, listed.Data.GetProperty("pagination").GetProperty("total").GetInt64());
            var expected = CurrentName(filter);
            Assert.All(listed.Data.GetProperty("webhooks").EnumerateArray(), w => Assert.Equal(expected, w.GetProperty("environment").GetString()));
        }

        Assert.Equal(8, (await Api.GetAsync("/dashboard/webhooks?limit=100", session)).Data.GetProperty("webhooks").GetArrayLength());
    }

    [Fact]
    public async Task Create_Events_SubsetInCatalogOrder_PingImplicit_UnknownNamedByPlace()
    {
        var session = await Api.ReadyTenantAsync();

        var subset = await Api.CreateWebhookAsync(session, events: ["record.failed", "delta.verified", "delta.verified", "ping"]);
        var unknown = await Api.PostAsync("/dashboard/webhooks", new { url = WebhookTestKit.PublicUrl, events = new object[] { "delta.verified", "verification.completed", 7 } }, session);
        var onlyPing = await Api.PostAsync("/dashboard/webhooks", new { url = WebhookTestKit.PublicUrl, events = new[] { "ping" } }, session);
        var notArray = await Api.PostAsync("/dashboard/webhooks", new { url = WebhookTestKit.PublicUrl, events = "delta.verified" }, session);

        Assert.Equal(["delta.verified", "record.failed"], subset.Data.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.Equal("VALIDATION_ERROR", unknown.Code);
        Assert.Equal(["events[1]", "events[2]"], unknown.DetailFields);
        Assert.Contains("delta.verified, delta.failed, checkpoint.verified, record.committed, record.failed", unknown.Body.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(["events"], onlyPing.DetailFields);
        Assert.Equal(["events"], notArray.DetailFields);
        Assert.Equal(1, (await Api.GetAsync("/dashboard/webhooks", session)).Data.GetProperty("pagination").GetProperty("total").GetInt64());
        Assert.Equal("delta.verified,record.failed", (await Stack.PlaneWebhookAsync(Role.Sandbox, subset.Id))!.Events);
    }

    [Fact]
    public async Task ProductionEndpoint_RefusedOnFreeThenUntilActive_ThenOnProductionPlaneOnly()
    {
        var session = await Api.ReadyTenantAsync();

        var free = await Api.PostAsync("/dashboard/webhooks", new { url = WebhookTestKit.PublicUrl, environment = "production" }, session);
        Assert.Equal(HttpStatusCode.Forbidden, free.Status);
        Assert.Equal("PLAN_UPGRADE_REQUIRED", free.Code);
        Assert.Contains("Production webhook endpoints need Production", free.Body.GetProperty("error").GetProperty("message").GetString());

        Assert.Equal(HttpStatusCode.OK, (await Api.PostAsync("/dashboard/billing/plan", new { tier = "pilot" }, session)).Status);
        var inactive = await Api.PostAsync("/dashboard/webhooks", new { url = WebhookTestKit.PublicUrl, environment = "mainnet" }, session);
        Assert.Equal(HttpStatusCode.Conflict, inactive.Status);
        Assert.Equal("ENVIRONMENT_NOT_ACTIVE", inactive.Code);
        Assert.Equal(0, (await Api.GetAsync("/dashboard/webhooks", session)).Data.GetProperty("pagination").GetProperty("total").GetInt64());

        await Api.PostAsync("/dashboard/environments/provision", new { environment = "production" }, session);
        await Api.WaitForStatusAsync(session, "production", "active");
        var live = await Api.CreateWebhookAsync(session, "production");
        var test = await Api.CreateWebhookAsync(session, "sandbox");

        // Each plane holds its own environment's endpoints and never the other's.
        Assert.Equal(session.TenantId, (await Stack.PlaneWebhookAsync(Role.Production, live.Id))!.TenantId);
        Assert.Null(await Stack.PlaneWebhookAsync(Role.Sandbox, live.Id));
        Assert.NotNull(await Stack.PlaneWebhookAsync(Role.Sandbox, test.Id));
        Assert.Null(await Stack.PlaneWebhookAsync(Role.Production, test.Id));
        Assert.Equal([live.Id], (await Stack.PlaneEndpoints(Role.Production).ListActiveAsync(session.TenantId, "delta.verified", default)).Select(e => e.Id));
        Assert.Equal([test.Id], (await Stack.PlaneEndpoints(Role.Sandbox).ListActiveAsync(session.TenantId, "delta.verified", default)).Select(e => e.Id));
    }

    [Fact]
    public async Task OtherTenantsEndpoint_404ForGetPatchRotateDelete_AndStaysAsItWas()
    {
        var a = await Api.ReadyTenantAsync();
        var b = await Api.ReadyTenantAsync();
        var endpoint = await Api.CreateWebhookAsync(a);
        var before = await SnapshotAsync(a.TenantId);
        var planeBefore = await Stack.PlaneWebhookAsync(Role.Sandbox, endpoint.Id);

        var answers = new[]
        {
            await Api.GetAsync($"/dashboard/webhooks/{endpoint.Id}", b),
            await Api.SendAsync(HttpMethod.Patch, $"/dashboard/webhooks/{endpoint.Id}", new { enabled = false }, b, Auth.Cookie),
            await Api.PostAsync($"/dashboard/webhooks/{endpoint.Id}/rotate-secret", new { overlapHours = 0 }, b),
            await Api.SendAsync(HttpMethod.Delete, $"/dashboard/webhooks/{endpoint.Id}", session: b, auth: Auth.Cookie),
            await Api.GetAsync("/dashboard/webhooks/wh_doesnotexist", b),
            await Api.GetAsync("/dashboard/webhooks/wh_0000000000000000000000000z", b),
        };

        Assert.All(answers, x => Assert.Equal(HttpStatusCode.NotFound, x.Status));
        Assert.All(answers, x => Assert.Equal("NOT_FOUND", x.Code));
        Assert.Equal(0, (await Api.GetAsync("/dashboard/webhooks", b)).Data.GetProperty("pagination").GetProperty("total").GetInt64());
        Assert.Equal(0, (await Api.GetAsync("/dashboard/audit-log", b)).Data.GetProperty("total").GetInt64());
        Assert.Equal(before, await SnapshotAsync(a.TenantId));
        var planeAfter = await Stack.PlaneWebhookAsync(Role.Sandbox, endpoint.Id);
        Assert.Equal((planeBefore!.Url, planeBefore.Enabled, planeBefore.Version, planeBefore.Sealed), (planeAfter!.Url, planeAfter.Enabled, planeAfter.Version, planeAfter.Sealed));
    }

    [Fact]
    public async Task Rotate_NewSecretAndExpiry_PlaneSignsWithBothNewestFirst_ThenOnlyTheNew()
    {
        var clock = new AdjustableClock();
        var stack = await StartStackAsync(o => o.ConfigureServices = (_, services) => services.UseClock(clock));
        var api = stack.Dashboard;
        var session = await api.ReadyTenantAsync();
        var endpoint = await api.CreateWebhookAsync(session);
        var plane = stack.PlaneEndpoints(Role.Sandbox, clock);

        var rotated = await api.PostAsync($"/dashboard/webhooks/{endpoint.Id}/rotate-secret", new { overlapHours = 2 }, session, Auth.Cookie);

        Assert.Equal(HttpStatusCode.OK, rotated.Status);
        var secret = rotated.Data.GetProperty("secret").GetString()!;
        Assert.Matches(@"^whsec_[A-Za-z0-9_-]{43}$", secret);
        Assert.NotEqual(endpoint.Secret, secret);
        Assert.Equal(endpoint.Id, rotated.Data.GetProperty("id").GetString());
        Assert.Equal("synced", rotated.Data.GetProperty("syncStatus").GetString());
        var expires = DateTimeOffset.Parse(rotated.Data.GetProperty("previousSecretExpiresAt").GetString()!);
        Assert.InRange(expires - clock.GetUtcNow(), TimeSpan.FromMinutes(119), TimeSpan.FromMinutes(120));
        Assert.Equal(expires, DateTimeOffset.Parse((await api.GetAsync($"/dashboard/webhooks/{endpoint.Id}", session)).Data.GetProperty("previousSecretExpiresAt").GetString()!));
        Assert.Equal([secret, endpoint.Secret], Assert.Single(await plane.ListActiveAsync(session.TenantId, "delta.verified", default)).Secrets);

        clock.Advance(TimeSpan.FromMinutes(119));
        Assert.Equal([secret, endpoint.Secret], (await plane.FindActiveAsync(session.TenantId, endpoint.Id, default))!.Secrets);
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal([secret], (await plane.FindActiveAsync(session.TenantId, endpoint.Id, default))!.Secrets);
        Assert.Equal(JsonValueKind.Null, (await api.GetAsync($"/dashboard/webhooks/{endpoint.Id}", session)).Data.GetProperty("previousSecretExpiresAt").ValueKind);

        // No body: 24 hours; no overlap: the previous one stops at once, and only two secrets ever sign.
        var byDefault = await api.SendAsync(HttpMethod.Post, $"/dashboard/webhooks/{endpoint.Id}/rotate-secret", session: session);
        var third = byDefault.Data.GetProperty("secret").GetString()!;
        Assert.InRange(DateTimeOffset.Parse(byDefault.Data.GetProperty("previousSecretExpiresAt").GetString()!) - clock.GetUtcNow(), TimeSpan.FromHours(23.9), TimeSpan.FromHours(24));
        Assert.Equal([third, secret], (await plane.FindActiveAsync(session.TenantId, endpoint.Id, default))!.Secrets);
        var immediate = await api.PostAsync($"/dashboard/webhooks/{endpoint.Id}/rotate-secret", new { overlapHours = 0 }, session);
        var fourth = immediate.Data.GetProperty("secret").GetString()!;
        Assert.Equal([fourth], (await plane.FindActiveAsync(session.TenantId, endpoint.Id, default))!.Secrets);
        Assert.InRange(DateTimeOffset.Parse(immediate.Data.GetProperty("previousSecretExpiresAt").GetString()!), clock.GetUtcNow().AddSeconds(-5), clock.GetUtcNow());
    }

    [Fact]
    public async Task Changes_ReachThePlaneRow_SecretsSealedInBothDatabases()
    {
        var session = await Api.ReadyTenantAsync();
        var endpoint = await Api.CreateWebhookAsync(session, events: ["delta.verified"]);

        var created = await Stack.PlaneWebhookAsync(Role.Sandbox, endpoint.Id);
        Assert.Equal((session.TenantId, WebhookTestKit.PublicUrl, "delta.verified", 1L, (long?)null, 1L),
            (created!.TenantId, created.Url, created.Events, created.Enabled, created.DeletedAt, created.Version));
        Assert.Equal([new WebhookSigningSecret(endpoint.Secret, null)], created.Secrets);

        var patched = await Api.SendAsync(HttpMethod.Patch, $"/dashboard/webhooks/{endpoint.Id}",
            new { url = "http://127.0.0.1:9/other", events = new[] { "checkpoint.verified", "delta.failed" }, enabled = false }, session);
        Assert.Equal(HttpStatusCode.OK, patched.Status);
        Assert.Equal("synced", patched.Data.GetProperty("syncStatus").GetString());
        Assert.False(patched.Data.GetProperty("enabled").GetBoolean());
        var afterPatch = await Stack.PlaneWebhookAsync(Role.Sandbox, endpoint.Id);
        Assert.Equal(("http://127.0.0.1:9/other", "delta.failed,checkpoint.verified", 0L, 2L), (afterPatch!.Url, afterPatch.Events, afterPatch.Enabled, afterPatch.Version));
        Assert.Empty(await Stack.PlaneEndpoints(Role.Sandbox).ListActiveAsync(session.TenantId, "delta.failed", default));

        // The description is the dashboard's alone: no delivery.
        var described = await Api.SendAsync(HttpMethod.Patch, $"/dashboard/webhooks/{endpoint.Id}", new { description = "for the ledger team", enabled = true }, session);
        Assert.Equal("for the ledger team", described.Data.GetProperty("description").GetString());
        Assert.Equal(3L, (await Stack.PlaneWebhookAsync(Role.Sandbox, endpoint.Id))!.Version);
        var cleared = await Api.SendAsync(HttpMethod.Patch, $"/dashboard/webhooks/{endpoint.Id}", new { description = "" }, session);
        Assert.Equal(JsonValueKind.Null, cleared.Data.GetProperty("description").ValueKind);
        Assert.Equal(3L, (await Stack.PlaneWebhookAsync(Role.Sandbox, endpoint.Id))!.Version);
        Assert.Equal([endpoint.Id], (await Stack.PlaneEndpoints(Role.Sandbox).ListActiveAsync(session.TenantId, "delta.failed", default)).Select(e => e.Id));
        Assert.Empty(await Stack.PlaneEndpoints(Role.Sandbox).ListActiveAsync(session.TenantId, "delta.verified", default));
        Assert.Single(await Stack.PlaneEndpoints(Role.Sandbox).ListActiveAsync(session.TenantId, "ping", default));

        var rotated = (await Api.PostAsync($"/dashboard/webhooks/{endpoint.Id}/rotate-secret", new { overlapHours = 1 }, session)).Data.GetProperty("secret").GetString()!;
        var afterRotate = await Stack.PlaneWebhookAsync(Role.Sandbox, endpoint.Id);
        Assert.Equal([rotated, endpoint.Secret], afterRotate!.Secrets.Select(s => s.Secret));
        Assert.Null(afterRotate.Secrets[0].NotAfter);
        Assert.NotNull(afterRotate.Secrets[1].NotAfter);

        await AssertSealedAsync(Stack, [endpoint.Secret, rotated]);

        var deleted = await Api.SendAsync(HttpMethod.Delete, $"/dashboard/webhooks/{endpoint.Id}", session: session, auth: Auth.Cookie);
        Assert.Equal(HttpStatusCode.OK, deleted.Status);
        Assert.True(deleted.Data.GetProperty("deleted").GetBoolean());
        Assert.Equal("synced", deleted.Data.GetProperty("syncStatus").GetString());
        var tombstone = await Stack.PlaneWebhookAsync(Role.Sandbox, endpoint.Id);
        Assert.NotNull(tombstone!.DeletedAt);
        Assert.Null(tombstone.Sealed);
        Assert.Empty(await Stack.PlaneEndpoints(Role.Sandbox).ListActiveAsync(session.TenantId, "ping", default));
        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetAsync($"/dashboard/webhooks/{endpoint.Id}", session)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.SendAsync(HttpMethod.Delete, $"/dashboard/webhooks/{endpoint.Id}", session: session)).Status);
        await using var control = await Stack.ControlDb.OpenAsync(default);
        Assert.Equal(0, await control.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM webhook_endpoints WHERE id = @id AND (secret IS NOT NULL OR previous_secret IS NOT NULL)", new { id = endpoint.Id }));
    }

    [Fact]
    public async Task Secrets_NeverInLogsAuditOrAnyDatabaseInTheClear()
    {
        var logs = new LogCapture();
        var stack = await StartStackAsync(o =>
        {
            o.Overrides["Logging:LogLevel:Default"] = "Trace";
            o.Overrides["Logging:LogLevel:Microsoft"] = "Trace";
            o.Overrides["Logging:LogLevel:System.Net.Http"] = "Trace";
            o.ConfigureServices = (_, services) => services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs);
        });
        var api = stack.Dashboard;
        var session = await api.ReadyTenantAsync();
        await api.ActivateProductionAsync(session);
        var test = await api.CreateWebhookAsync(session, "sandbox");
        var live = await api.CreateWebhookAsync(session, "production");
        var rotated = (await api.PostAsync($"/dashboard/webhooks/{live.Id}/rotate-secret", new { }, session)).Data.GetProperty("secret").GetString()!;
        await api.SendAsync(HttpMethod.Patch, $"/dashboard/webhooks/{test.Id}", new { enabled = false }, session);
        var audit = await api.GetAsync("/dashboard/audit-log?limit=100", session);
        await stack.StopAsync(Role.Sandbox);
        await stack.StopAsync(Role.Production);

        Assert.NotEmpty(logs.Lines);
        foreach (var secret in new[] { test.Secret, live.Secret, rotated })
        {
            Assert.DoesNotContain(logs.Lines, l => l.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(secret, audit.Raw);
        }

        Assert.DoesNotContain(logs.Lines, l => l.Contains("whsec_", StringComparison.Ordinal));
        Assert.DoesNotContain("whsec_", audit.Raw);
        await AssertSealedAsync(stack, [test.Secret, live.Secret, rotated]);
    }

    [Fact]
    public async Task AuditLog_RecordsEveryChangeWithActorAndEndpoint()
    {
        var session = await Api.ReadyTenantAsync();
        var endpoint = await Api.CreateWebhookAsync(session, auth: Auth.Cookie);
        await Api.SendAsync(HttpMethod.Patch, $"/dashboard/webhooks/{endpoint.Id}", new { url = "http://127.0.0.1:9/moved", enabled = false }, session);
        await Api.SendAsync(HttpMethod.Patch, $"/dashboard/webhooks/{endpoint.Id}", new { enabled = true }, session, Auth.Cookie);
        await Api.SendAsync(HttpMethod.Patch, $"/dashboard/webhooks/{endpoint.Id}", new { enabled = true }, session); // no change, no entry
        await Api.PostAsync($"/dashboard/webhooks/{endpoint.Id}/rotate-secret", new { overlapHours = 1.5 }, session);
        await Api.SendAsync(HttpMethod.Delete, $"/dashboard/webhooks/{endpoint.Id}", session: session);

        var all = await Api.GetAsync("/dashboard/audit-log?limit=100", session);

        var items = all.Data.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(
            new[] { "webhook.created", "webhook.deleted", "webhook.disabled", "webhook.enabled", "webhook.secret_rotated", "webhook.updated" },
            items.Select(i => i.GetProperty("action").GetString()).Order().ToArray());
        Assert.All(items, i =>
        {
            Assert.Equal(endpoint.Id, i.GetProperty("targetId").GetString());
            Assert.Equal(session.UserId, i.GetProperty("actor").GetProperty("userId").GetString());
            Assert.Equal("127.0.0.1", i.GetProperty("ip").GetString());
        });
        var created = items.Single(i => i.GetProperty("action").GetString() == "webhook.created").GetProperty("details");
        Assert.Equal(WebhookTestKit.PublicUrl, created.GetProperty("url").GetString());
        Assert.Equal("sandbox", created.GetProperty("environment").GetString());
        var moved = items.Single(i => i.GetProperty("action").GetString() == "webhook.updated").GetProperty("details").GetProperty("url");
        Assert.Equal((WebhookTestKit.PublicUrl, "http://127.0.0.1:9/moved"), (moved.GetProperty("from").GetString(), moved.GetProperty("to").GetString()));
        Assert.Equal(1.5, items.Single(i => i.GetProperty("action").GetString() == "webhook.secret_rotated").GetProperty("details").GetProperty("overlapHours").GetDouble());
        Assert.DoesNotContain("whsec_", all.Raw);
    }

    public static TheoryData<string, string> RefusedWithoutPrivateNetworks => new()
    {
        { "ftp://203.0.113.10/hooks", "must be an absolute http:// or https:// URL" },
        { "file:///etc/passwd", "must be an absolute http:// or https:// URL" },
        { "/relative/hooks", "must be an absolute http:// or https:// URL" },
        { "https://user:secret@203.0.113.10/hooks", "must not carry a user name or password" },
        { "http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a cloud metadata address" },
        { "http://[fd00:ec2::254]/latest/meta-data/", "fd00:ec2::254 is a cloud metadata address" },
        { "http://169.254.170.2/v2/credentials", "169.254.170.2 is a link-local address" },
        { "http://localhost:8080/hooks", "localhost resolves to" },
        { "http://10.0.0.1/hooks", "10.0.0.1 is a private network address" },
        { "http://192.168.1.20/hooks", "192.168.1.20 is a private network address" },
        { "http://127.0.0.1:9/hooks", "127.0.0.1 is a loopback address" },
        { "http://[::1]/hooks", "::1 is a loopback address" },
        { "http://[::ffff:127.0.0.1]/hooks", "is a loopback address" },
        { "http://2130706433/hooks", "127.0.0.1 is a loopback address" },
        { "http://0.0.0.0/hooks", "0.0.0.0 is the unspecified address" },
        { "https://203.0.113.10/" + new string('a', 2049 - 21), "must be at most 2048 characters" },
    };

    [Theory]
    [MemberData(nameof(RefusedWithoutPrivateNetworks))]
    public async Task Url_PrivateNetworksNotAllowed_400NamingUrlWithTheReason(string url, string reason)
    {
        var stack = await WithoutPrivateNetworksAsync();
        var session = await stack.Dashboard.ReadyTenantAsync();
        var before = await EndpointRowsAsync(stack);

        var answer = await stack.Dashboard.PostAsync("/dashboard/webhooks", new { url }, session);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("VALIDATION_ERROR", answer.Code);
        Assert.Equal(["url"], answer.DetailFields);
        Assert.Contains(reason, answer.Body.GetProperty("error").GetProperty("details")[0].GetProperty("issue").GetString());
        Assert.Equal(before, await EndpointRowsAsync(stack));
    }

    [Fact]
    public async Task Url_PrivateNetworksNotAllowed_PublicAcceptedAndAPatchToAPrivateAddressRefused()
    {
        var stack = await WithoutPrivateNetworksAsync();
        var session = await stack.Dashboard.ReadyTenantAsync();
        var endpoint = await stack.Dashboard.CreateWebhookAsync(session, url: "https://[2001:db8::10]:8443/hooks?source=pacspace");

        var patched = await stack.Dashboard.SendAsync(HttpMethod.Patch, $"/dashboard/webhooks/{endpoint.Id}", new { url = "http://localhost/hooks", enabled = false }, session);

        Assert.Equal(HttpStatusCode.BadRequest, patched.Status);
        Assert.Equal(["url"], patched.DetailFields);
        var kept = (await stack.Dashboard.GetAsync($"/dashboard/webhooks/{endpoint.Id}", session)).Data;
        Assert.Equal("https://[2001:db8::10]:8443/hooks?source=pacspace", kept.GetProperty("url").GetString());
        Assert.True(kept.GetProperty("enabled").GetBoolean());
        Assert.Equal(1L, (await stack.PlaneWebhookAsync(Role.Sandbox, endpoint.Id))!.Version);
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a cloud metadata address")]
    [InlineData("http://[fd00:ec2::254]/", "fd00:ec2::254 is a cloud metadata address")]
    [InlineData("http://[::ffff:169.254.169.254]/", "is a cloud metadata address")]
    [InlineData("http://100.100.100.200/latest/meta-data/", "100.100.100.200 is a cloud metadata address")]
    [InlineData("http://169.254.1.1/", "169.254.1.1 is a link-local address")]
    [InlineData("http://[fe80::1]/", "fe80::1 is a link-local address")]
    [InlineData("http://0.0.0.0:9/", "0.0.0.0 is the unspecified address")]
    public async Task Url_PrivateNetworksAllowed_MetadataAndLinkLocalStillRefused(string url, string reason)
    {
        var session = await Api.ReadyTenantAsync();

        var answer = await Api.PostAsync("/dashboard/webhooks", new { url }, session);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(["url"], answer.DetailFields);
        Assert.Contains(reason, answer.Body.GetProperty("error").GetProperty("details")[0].GetProperty("issue").GetString());
    }

    [Fact]
    public async Task Url_PrivateNetworksAllowed_LoopbackAndPrivateAccepted()
    {
        var session = await Api.ReadyTenantAsync();

        foreach (var url in new[] { "http://localhost:8080/hooks", "http://10.0.0.1/hooks", "http://[::1]:9/hooks", "http://192.168.1.20/" })
        {
            Assert.Equal(url, (await Api.CreateWebhookAsync(session, url: url)).Data.GetProperty("url").GetString());
        }
    }

    [Fact]
    public async Task Url_ProductionNeedsHttpsWhereConfigured()
    {
        var stack = await StartStackAsync(o => o.Overrides["Webhooks:RequireHttpsForProduction"] = "true");
        var session = await stack.Dashboard.ReadyTenantAsync();
        await stack.Dashboard.ActivateProductionAsync(session);

        var plain = await stack.Dashboard.PostAsync("/dashboard/webhooks", new { url = "http://203.0.113.10/hooks", environment = "production" }, session);
        var sandbox = await stack.Dashboard.CreateWebhookAsync(session, "sandbox", "http://203.0.113.10/hooks");
        var secure = await stack.Dashboard.CreateWebhookAsync(session, "production", "https://203.0.113.10/hooks");
        var downgrade = await stack.Dashboard.SendAsync(HttpMethod.Patch, $"/dashboard/webhooks/{secure.Id}", new { url = "http://203.0.113.10/hooks" }, session);

        Assert.Equal(HttpStatusCode.BadRequest, plain.Status);
        Assert.Equal(["url"], plain.DetailFields);
        Assert.Contains("https://", plain.Body.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal("sandbox", sandbox.Data.GetProperty("environment").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, downgrade.Status);
        Assert.Equal(["url"], downgrade.DetailFields);
    }

    [Fact]
    public async Task Limit_PerTenantAndEnvironment_409UntilOneIsDeleted()
    {
        var stack = await StartStackAsync(o => o.Overrides["Webhooks:MaxEndpointsPerEnvironment"] = "2");
        var api = stack.Dashboard;
        var session = await api.ReadyTenantAsync();
        await api.ActivateProductionAsync(session);
        var first = await api.CreateWebhookAsync(session, "sandbox");
        await api.CreateWebhookAsync(session, "sandbox");

        var third = await api.PostAsync("/dashboard/webhooks", new { url = WebhookTestKit.PublicUrl, environment = "sandbox" }, session);
        var live = await api.PostAsync("/dashboard/webhooks", new { url = WebhookTestKit.PublicUrl, environment = "production" }, session);
        Assert.Equal(HttpStatusCode.Conflict, third.Status);
        Assert.Equal("WEBHOOK_LIMIT_REACHED", third.Code);
        Assert.Equal(HttpStatusCode.Created, live.Status);

        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(HttpMethod.Delete, $"/dashboard/webhooks/{first.Id}", session: session)).Status);
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsync("/dashboard/webhooks", new { url = WebhookTestKit.PublicUrl, environment = "sandbox" }, session)).Status);
    }

    public static TheoryData<string, string, string> BadBodies => new()
    {
        { "POST", "not json", "body" },
        { "POST", "[]", "body" },
        { "POST", "{}", "url" },
        { "POST", "{\"url\":42}", "url" },
        { "POST", "{\"url\":\"\"}", "url" },
        { "POST", "{\"url\":\"https://203.0.113.10/\\u0000\"}", "url" },
        { "POST", "{\"url\":\"https://203.0.113.10/\",\"environment\":\"staging\"}", "environment" },
        { "POST", "{\"url\":\"https://203.0.113.10/\",\"environment\":7}", "environment" },
        { "POST", "{\"url\":\"https://203.0.113.10/\",\"description\":[]}", "description" },
        { "POST", "{\"url\":\"https://203.0.113.10/\",\"description\":\"" + new string('d', 501) + "\"}", "description" },
        { "POST", "{\"url\":\"https://203.0.113.10/\",\"events\":{}}", "events" },
        { "POST", "{\"url\":\"https://203.0.113.10/\",\"events\":[]}", "events" },
        { "POST", "{\"url\":\"https://203.0.113.10/\",\"events\":[\"delta.verified\",null]}", "events[1]" },
        { "POST", "{\"url\":\"https://203.0.113.10/\",\"url\":\"https://203.0.113.11/\"}", "url" },
        { "PATCH", "{}", "body" },
        { "PATCH", "{\"enabled\":\"yes\"}", "enabled" },
        { "PATCH", "{\"url\":\"\"}", "url" },
        { "PATCH", "{\"url\":\"gopher://203.0.113.10/\"}", "url" },
        { "PATCH", "{\"events\":[\"Delta.Verified\"]}", "events[0]" },
        { "PATCH", "{\"description\":\"a\\u202Eb\"}", "description" },
        { "ROTATE", "{\"overlapHours\":25}", "overlapHours" },
        { "ROTATE", "{\"overlapHours\":-1}", "overlapHours" },
        { "ROTATE", "{\"overlapHours\":\"24\"}", "overlapHours" },
        { "ROTATE", "[1]", "body" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Writes_BadBody_400NamingFieldAndNothingChanged(string kind, string body, string field)
    {
        var session = await Api.ReadyTenantAsync();
        var endpoint = await Api.CreateWebhookAsync(session);
        var before = await SnapshotAsync(session.TenantId);

        var (method, path) = kind switch
        {
            "POST" => (HttpMethod.Post, "/dashboard/webhooks"),
            "PATCH" => (HttpMethod.Patch, $"/dashboard/webhooks/{endpoint.Id}"),
            _ => (HttpMethod.Post, $"/dashboard/webhooks/{endpoint.Id}/rotate-secret"),
        };
        var answer = await Api.SendAsync(method, path, rawBody: body, session: session);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("VALIDATION_ERROR", answer.Code);
        Assert.Contains(field, answer.DetailFields);
        Assert.Equal(before, await SnapshotAsync(session.TenantId));
    }

    [Theory]
    [InlineData("page=0", "page")]
    [InlineData("limit=101", "limit")]
    [InlineData("environment=staging", "environment")]
    public async Task List_BadQuery_400NamingField(string query, string field)
    {
        var session = await Api.ReadyTenantAsync();

        var answer = await Api.GetAsync($"/dashboard/webhooks?{query}", session);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal([field], answer.DetailFields);
    }

    [Fact]
    public async Task List_PagesNewestFirst()
    {
        var session = await Api.ReadyTenantAsync();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await Api.CreateWebhookAsync(session)).Id);
        }

        var first = await Api.GetAsync("/dashboard/webhooks?limit=2", session);
        var second = await Api.GetAsync("/dashboard/webhooks?limit=2&page=2", session);

        Assert.Equal([ids[2], ids[1]], first.Data.GetProperty("webhooks").EnumerateArray().Select(w => w.GetProperty("id").GetString()));
        Assert.Equal([ids[0]], second.Data.GetProperty("webhooks").EnumerateArray().Select(w => w.GetProperty("id").GetString()));
        Assert.Equal(2, second.Data.GetProperty("pagination").GetProperty("totalPages").GetInt64());
    }

    [Fact]
    public async Task ChangesWhilePlaneDown_PendingThenReadByThePlaneAtStartUp()
    {
        // No sync worker: only the plane's own start-up catch-up can bring the changes.
        var stack = await StartStackAsync(o => o.Overrides["WebhookSync:WorkerEnabled"] = "false");
        var api = stack.Dashboard;
        var session = await api.ReadyTenantAsync();
        var kept = await api.CreateWebhookAsync(session);
        var gone = await api.CreateWebhookAsync(session);

        await stack.StopAsync(Role.Sandbox);
        var created = await api.PostAsync("/dashboard/webhooks", new { url = WebhookTestKit.PublicUrl, events = new[] { "record.committed" } }, session);
        var disabled = await api.SendAsync(HttpMethod.Patch, $"/dashboard/webhooks/{kept.Id}", new { enabled = false }, session);
        var deleted = await api.SendAsync(HttpMethod.Delete, $"/dashboard/webhooks/{gone.Id}", session: session);
        Assert.Equal("pending", created.Data.GetProperty("syncStatus").GetString());
        Assert.Equal("pending", disabled.Data.GetProperty("syncStatus").GetString());
        Assert.Equal("pending", deleted.Data.GetProperty("syncStatus").GetString());
        var fresh = WebhookTestKit.ToWebhook(created);
        Assert.Null(await stack.PlaneWebhookAsync(Role.Sandbox, fresh.Id));

        await stack.StartAsync(Role.Sandbox);

        var arrived = await stack.PlaneWebhookAsync(Role.Sandbox, fresh.Id);
        Assert.Equal(("record.committed", fresh.Secret), (arrived!.Events, arrived.Secrets.Single().Secret));
        Assert.Equal(0L, (await stack.PlaneWebhookAsync(Role.Sandbox, kept.Id))!.Enabled);
        Assert.NotNull((await stack.PlaneWebhookAsync(Role.Sandbox, gone.Id))!.DeletedAt);
        Assert.Equal([fresh.Id], (await stack.PlaneEndpoints(Role.Sandbox).ListActiveAsync(session.TenantId, "ping", default)).Select(e => e.Id));
    }

    [Fact]
    public async Task ChangesWhilePlaneDown_DeliveredByTheWorkerWhenItIsBack()
    {
        // No start-up catch-up: only the control plane's outbox can bring the changes.
        var stack = await StartStackAsync(o =>
        {
            o.Overrides["Plane:ControlPlaneUrl"] = "";
            o.Overrides["WebhookSync:InitialBackoff"] = "00:00:00.050";
            o.Overrides["WebhookSync:MaxBackoff"] = "00:00:00.300";
        });
        var api = stack.Dashboard;
        var session = await api.ReadyTenantAsync();
        var endpoint = await api.CreateWebhookAsync(session);

        await stack.StopAsync(Role.Sandbox);
        var rotated = await api.PostAsync($"/dashboard/webhooks/{endpoint.Id}/rotate-secret", new { overlapHours = 0 }, session);
        Assert.Equal("pending", rotated.Data.GetProperty("syncStatus").GetString());
        await Task.Delay(500); // a few failed deliveries
        await stack.StartAsync(Role.Sandbox);

        await KeyTestKit.EventuallyAsync(() => api.GetAsync($"/dashboard/webhooks/{endpoint.Id}", session),
            a => a.Data.GetProperty("syncStatus").GetString() == "synced", TimeSpan.FromSeconds(10), "delivery");
        Assert.Equal([rotated.Data.GetProperty("secret").GetString()], (await stack.PlaneWebhookAsync(Role.Sandbox, endpoint.Id))!.Secrets.Select(s => s.Secret));
    }

    [Fact]
    public async Task PlaneInternalRoute_RefusesOtherEnvironmentInactiveTenantMissingSecretAndOlderVersions()
    {
        // A stack of its own: "nothing pending" is about every endpoint of the stack, and the class's other tests change theirs.
        var stack = await StartStackAsync();
        var api = stack.Dashboard;
        var session = await api.ReadyTenantAsync();
        var endpoint = await api.CreateWebhookAsync(session);
        var plane = stack.PlaneClient(Role.Sandbox);
        var state = new WebhookEndpointState(endpoint.Id, session.TenantId, "sandbox", "https://203.0.113.99/", ["delta.verified"], true, false,
            [new WebhookSigningSecret("whsec_older", null)], 1);

        var noSecret = await plane.PutAsync($"/internal/v1/webhooks/{endpoint.Id}", Json(state));
        var older = await PutAsync(stack, plane, state);
        var production = await PutAsync(stack, plane, state with { Environment = "production", Version = 9 });
        var otherTenant = await PutAsync(stack, plane, state with { TenantId = "tnt_" + new string('0', 26), Version = 9 });
        var noSecrets = await PutAsync(stack, plane, state with { Secrets = [], Version = 9 });
        var unknownEvent = await PutAsync(stack, plane, state with { Events = ["ping"], Version = 9 });
        var wrongId = await PutAsync(stack, plane, state with { Id = "wh_" + new string('1', 26), Version = 9 }, routeId: endpoint.Id);
        using var malformed = new HttpRequestMessage(HttpMethod.Put, $"/internal/v1/webhooks/{endpoint.Id}") { Content = new StringContent("{\"version\":\"x\"}", Encoding.UTF8, "application/json") };
        malformed.Headers.Add("X-PacSpace-Service-Secret", stack.ServiceSecret);
        var broken = await plane.SendAsync(malformed);

        Assert.Equal(HttpStatusCode.Unauthorized, noSecret.StatusCode);
        Assert.Equal(HttpStatusCode.OK, older.StatusCode);
        Assert.False(JsonDocument.Parse(await older.Content.ReadAsStringAsync()).RootElement.GetProperty("data").GetProperty("applied").GetBoolean());
        Assert.Equal(HttpStatusCode.Forbidden, production.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, otherTenant.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noSecrets.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknownEvent.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, wrongId.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        var row = await stack.PlaneWebhookAsync(Role.Sandbox, endpoint.Id);
        Assert.Equal((WebhookTestKit.PublicUrl, 1L, endpoint.Secret), (row!.Url, row.Version, row.Secrets.Single().Secret));

        // The control plane's side, as a starting plane reads it: nothing pending is an empty page.
        using var pending = new HttpRequestMessage(HttpMethod.Get, "/internal/v1/webhooks/pending?environment=sandbox");
        pending.Headers.Add("X-PacSpace-Service-Secret", stack.ServiceSecret);
        using var empty = await api.Http.SendAsync(pending);
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        Assert.Equal(0, JsonDocument.Parse(await empty.Content.ReadAsStringAsync()).RootElement.GetProperty("data").GetProperty("items").GetArrayLength());
        using var badEnvironment = new HttpRequestMessage(HttpMethod.Get, "/internal/v1/webhooks/pending?environment=test");
        badEnvironment.Headers.Add("X-PacSpace-Service-Secret", stack.ServiceSecret);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.Http.SendAsync(badEnvironment)).StatusCode);
    }

    [Fact]
    public async Task Sdk_ManagesEndpointsThroughTheDashboardClient()
    {
        var session = await Api.ReadyTenantAsync();
        using var client = new PacSpace.Sdk.Dashboard.PacSpaceDashboardClient(new() { BaseUrl = Stack.Local.Url(Role.Dashboard), AccessToken = session.Token });

        var created = await client.CreateWebhookAsync(WebhookTestKit.PublicUrl, ["delta.verified", "delta.failed"], "testnet", "from the SDK");
        var listed = await client.ListWebhooksAsync("sandbox", pageSize: 1).ToListAsync();
        var updated = await client.UpdateWebhookAsync(created.Id, new PacSpace.Sdk.Dashboard.WebhookEndpointChanges { Enabled = false, Events = ["record.committed"] });
        var rotated = await client.RotateWebhookSecretAsync(created.Id, TimeSpan.FromHours(1));
        var fetched = await client.GetWebhookAsync(created.Id);
        var onPlane = await Stack.PlaneWebhookAsync(Role.Sandbox, created.Id);
        await client.DeleteWebhookAsync(created.Id);
        var missing = await Assert.ThrowsAsync<PacSpace.Sdk.PacSpaceException>(() => client.GetWebhookAsync(created.Id));

        Assert.StartsWith("whsec_", created.Secret);
        Assert.Equal(("sandbox", "from the SDK", true), (created.Environment, created.Description, created.Enabled));
        Assert.Equal(["delta.verified", "delta.failed"], created.Events);
        Assert.Equal(created.Id, Assert.Single(listed).Id);
        Assert.False(updated.Enabled);
        Assert.Equal(["record.committed"], updated.Events);
        Assert.NotEqual(created.Secret, rotated.Secret);
        Assert.Equal(rotated.PreviousSecretExpiresAt, fetched.PreviousSecretExpiresAt);
        Assert.Equal(0, fetched.SuccessCount);
        Assert.Null(fetched.LastTriggered);
        Assert.Equal(404, missing.StatusCode);
        Assert.Equal([rotated.Secret, created.Secret], onPlane!.Secrets.Select(s => s.Secret));
        Assert.Equal((0L, "record.committed"), (onPlane.Enabled, onPlane.Events));
        Assert.NotNull((await Stack.PlaneWebhookAsync(Role.Sandbox, created.Id))!.DeletedAt);
    }

    /// <summary>The class's stack that refuses private network addresses (as a production install should), shared by the tests of the rule.</summary>
    private Task<TestStack> WithoutPrivateNetworksAsync() =>
        SharedStackAsync("no private networks", o => o.Overrides["Webhooks:AllowPrivateNetworks"] = "false");

    /// <summary>The control plane's endpoint rows of every tenant: "nothing written" is this count unchanged since the test's start.</summary>
    private static async Task<long> EndpointRowsAsync(TestStack stack)
    {
        await using var c = await stack.ControlDb.OpenAsync(default);
        return await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM webhook_endpoints");
    }

    /// <summary>No signing secret in the clear in any database of the stack: rows of every table, and on SQLite the files (WAL included) too.</summary>
    private async Task AssertSealedAsync(TestStack stack, IReadOnlyList<string> secrets)
    {
        foreach (var role in new[] { Role.Dashboard, Role.Sandbox, Role.Production })
        {
            await using var c = await stack.PlaneDb(role).OpenAsync(default);
            var stored = new List<string>();
            foreach (var table in new[] { "webhook_endpoints", role == Role.Dashboard ? "audit_log" : "api_keys" })
            {
                foreach (var row in await c.QueryAsync($"SELECT * FROM {table}"))
                {
                    stored.Add(string.Join("|", ((IDictionary<string, object?>)row).Values));
                }
            }

            Assert.DoesNotContain(stored, s => s.Contains("whsec_", StringComparison.Ordinal));
            foreach (var secret in secrets)
            {
                Assert.DoesNotContain(stored, s => s.Contains(secret["whsec_".Length..], StringComparison.Ordinal));
            }
        }

        await using (var control = await stack.ControlDb.OpenAsync(default))
        {
            var sealedSecrets = (await control.QueryAsync<string>("SELECT secret FROM webhook_endpoints WHERE secret IS NOT NULL UNION ALL SELECT previous_secret FROM webhook_endpoints WHERE previous_secret IS NOT NULL")).ToList();
            Assert.NotEmpty(sealedSecrets);
            Assert.All(sealedSecrets, s => Assert.StartsWith("enc:v1:", s));
        }

        if (Store == Store.Sqlite)
        {
            foreach (var file in Directory.GetFiles(stack.DataDirectory, "*.db*"))
            {
                var bytes = await ReadSharedAsync(file);
                Assert.True(bytes.AsSpan().IndexOf("whsec_"u8) < 0, $"{Path.GetFileName(file)} holds a secret in the clear");
            }
        }
    }

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private async Task<string> SnapshotAsync(string tenantId)
    {
        await using var c = await Stack.ControlDb.OpenAsync(default);
        var rows = await c.QueryAsync<string>(
            """
            SELECT id || ':' || url || ':' || COALESCE(description, '') || ':' || events || ':' || enabled || ':' || version || ':' || COALESCE(secret, '') || ':'
                   || COALESCE(previous_secret, '') || ':' || COALESCE(CAST(deleted_at AS TEXT), '')
            FROM webhook_endpoints WHERE tenant_id = @tenantId ORDER BY id
            """, new { tenantId });
        var audit = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_log WHERE tenant_id = @tenantId", new { tenantId });
        return string.Join(",", rows) + $"#audit={audit}";
    }

    private static Task<HttpResponseMessage> PutAsync(TestStack stack, HttpClient plane, WebhookEndpointState state, string? routeId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/internal/v1/webhooks/{routeId ?? state.Id}") { Content = Json(state) };
        request.Headers.Add("X-PacSpace-Service-Secret", stack.ServiceSecret);
        return plane.SendAsync(request);
    }

    private static StringContent Json(WebhookEndpointState state) =>
        new(JsonSerializer.Serialize(state, PacSpace.Hosting.Json.JsonDefaults.Options), Encoding.UTF8, "application/json");

    private static string CurrentName(string alias) => alias is "sandbox" or "testnet" or "test" ? "sandbox" : "production";

    [GeneratedRegex("^wh_[0-9a-z]{26}$")]
    private static partial Regex WebhookId();
}

public sealed class WebhookEndpointScenariosOnSqlite(SharedStacks shared) : WebhookEndpointScenarios(Store.Sqlite, null, shared);

[Collection(PostgresCollection.Name)]
public sealed class WebhookEndpointScenariosOnPostgres(PostgresServer postgres, SharedStacks shared) : WebhookEndpointScenarios(Store.Postgres, postgres, shared);
