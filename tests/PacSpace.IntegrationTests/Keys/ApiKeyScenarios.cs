using PacSpace.Ledger;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using PacSpace.Cli;
using PacSpace.Contracts.Keys;
using PacSpace.IntegrationTests.Dashboard;
using PacSpace.IntegrationTests.Infrastructure;

namespace PacSpace.IntegrationTests.Keys;

/// <summary>Key management on the Dashboard API and key authentication on the planes, through real HTTP.</summary>
public abstract partial class ApiKeyScenarios(Store store, PostgresServer? postgres, SharedStacks shared) : SharedStackTests(store, postgres, shared)
{
    [Fact]
    public async Task CreateTestKey_WorksOnSandbox_OtherPlaneAnswersHostMismatch()
    {
        var session = await Api.ReadyTenantAsync();

        var created = await Api.SendAsync(HttpMethod.Post, "/dashboard/api-keys", new { name = "server" }, session, Auth.Cookie);

        Assert.Equal(HttpStatusCode.Created, created.Status);
        var key = KeyTestKit.ToKey(created);
        Assert.Matches(KeyId(), key.Id);
        Assert.Matches(@"^pk_test_[0-9A-Za-z]{20}$", key.PublicKey);
        Assert.Matches(@"^sk_test_[0-9A-Za-z]{38}$", key.SecretKey);
        Assert.Equal($"{key.PublicKey}.{key.SecretKey}", key.FullKey);
        Assert.Equal("test", key.Data.GetProperty("environment").GetString());
        Assert.Equal("server", key.Data.GetProperty("name").GetString());
        Assert.True(key.Data.GetProperty("active").GetBoolean());
        Assert.Equal("synced", key.Data.GetProperty("syncStatus").GetString());

        var sandbox = await Stack.WhoAmIAsync(Role.Sandbox, key.FullKey);
        Assert.Equal(HttpStatusCode.OK, sandbox.Status);
        Assert.Equal(session.TenantId, sandbox.Data.GetProperty("tenantId").GetString());
        Assert.Equal("sandbox", sandbox.Data.GetProperty("environment").GetString());
        Assert.Equal(key.Id, sandbox.Data.GetProperty("keyId").GetString());

        var production = await Stack.WhoAmIAsync(Role.Production, key.FullKey);
        Assert.Equal(HttpStatusCode.Forbidden, production.Status);
        Assert.Equal("API_KEY_ENVIRONMENT_HOST_MISMATCH", production.Code);
        Assert.Contains("sandbox endpoint", production.Body.GetProperty("error").GetProperty("message").GetString());
        using var plane = Stack.PlaneClient(Role.Sandbox);
        Assert.Contains("\"/api/v1/whoami\"", await plane.GetStringAsync("/openapi/v1.json"));
    }

    [Fact]
    public async Task CreateKey_CookieWithoutCsrfHeader_403AndNoKey()
    {
        var session = await Api.ReadyTenantAsync();

        var answer = await Api.SendAsync(HttpMethod.Post, "/dashboard/api-keys", new { name = "x" }, session, Auth.Cookie, csrf: false);

        Assert.Equal(HttpStatusCode.Forbidden, answer.Status);
        Assert.Equal("CSRF_REQUIRED", answer.Code);
        Assert.Equal(0, (await Api.GetAsync("/dashboard/api-keys", session)).Data.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task CreateLiveKey_RefusedUntilProductionActive_ThenWorksOnProductionOnly()
    {
        var session = await Api.ReadyTenantAsync();

        var free = await Api.PostAsync("/dashboard/api-keys", new { name = "live", environment = "live" }, session);
        Assert.Equal(HttpStatusCode.Forbidden, free.Status);
        Assert.Equal("PLAN_UPGRADE_REQUIRED", free.Code);

        Assert.Equal(HttpStatusCode.OK, (await Api.PostAsync("/dashboard/billing/plan", new { tier = "pilot" }, session)).Status);
        var inactive = await Api.PostAsync("/dashboard/api-keys", new { name = "live", environment = "production" }, session);
        Assert.Equal(HttpStatusCode.Conflict, inactive.Status);
        Assert.Equal("ENVIRONMENT_NOT_ACTIVE", inactive.Code);
        Assert.Equal(0, (await Api.GetAsync("/dashboard/api-keys", session)).Data.GetProperty("total").GetInt64());

        await Api.PostAsync("/dashboard/environments/provision", new { environment = "production" }, session);
        await Api.WaitForStatusAsync(session, "production", "active");
        var live = await Api.CreateKeyAsync(session, "live");

        Assert.StartsWith("pk_live_", live.FullKey);
        Assert.Contains(".sk_live_", live.FullKey);
        var onProduction = await Stack.WhoAmIAsync(Role.Production, live.FullKey);
        Assert.Equal(HttpStatusCode.OK, onProduction.Status);
        Assert.Equal("production", onProduction.Data.GetProperty("environment").GetString());
        var onSandbox = await Stack.WhoAmIAsync(Role.Sandbox, live.FullKey);
        Assert.Equal(HttpStatusCode.Forbidden, onSandbox.Status);
        Assert.Equal("API_KEY_ENVIRONMENT_HOST_MISMATCH", onSandbox.Code);
        Assert.Contains("production endpoint", onSandbox.Body.GetProperty("error").GetProperty("message").GetString());

        // The other plane never holds it.
        await using var sandboxDb = await Stack.PlaneDb(Role.Sandbox).OpenAsync(default);
        Assert.Equal(0, await sandboxDb.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM api_keys WHERE key_id = @id", new { id = live.Id }));
        await using var productionDb = await Stack.PlaneDb(Role.Production).OpenAsync(default);
        Assert.Equal(1, await productionDb.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM api_keys WHERE key_id = @id", new { id = live.Id }));
    }

    [Fact]
    public async Task LiveKey_AfterDowngradeToFree_402PlanRequired_TestKeysKeepWorking()
    {
        var session = await Api.ReadyTenantAsync();
        await Api.ActivateProductionAsync(session);
        var live = await Api.CreateKeyAsync(session, "live");
        var test = await Api.CreateKeyAsync(session);
        Assert.Equal(HttpStatusCode.OK, (await Stack.WhoAmIAsync(Role.Production, live.FullKey)).Status);

        Assert.Equal(HttpStatusCode.OK, (await Api.PostAsync("/dashboard/billing/plan", new { tier = "free" }, session)).Status);

        var refused = await KeyTestKit.EventuallyAsync(() => Stack.WhoAmIAsync(Role.Production, live.FullKey),
            a => a.Status != HttpStatusCode.OK, TimeSpan.FromSeconds(10), "downgrade reaching the plane");
        Assert.Equal(HttpStatusCode.PaymentRequired, refused.Status);
        Assert.Equal("PLAN_REQUIRED", refused.Code);
        Assert.Equal(HttpStatusCode.OK, (await Stack.WhoAmIAsync(Role.Sandbox, test.FullKey)).Status);
    }

    [Fact]
    public async Task ListAndGet_PaginateFilterAndNeverShowASecret()
    {
        var session = await Api.ReadyTenantAsync();
        await Api.ActivateProductionAsync(session);
        var keys = new List<CreatedKey>
        {
            await Api.CreateKeyAsync(session, name: "one"),
            await Api.CreateKeyAsync(session, name: "two"),
            await Api.CreateKeyAsync(session, name: "three"),
            await Api.CreateKeyAsync(session, "live", "live one"),
        };

        var first = await Api.GetAsync("/dashboard/api-keys?page=1&limit=3", session, Auth.Cookie);
        var second = await Api.GetAsync("/dashboard/api-keys?page=2&limit=3", session);
        var live = await Api.GetAsync("/dashboard/api-keys?environment=live", session);
        var test = await Api.GetAsync("/dashboard/api-keys?environment=sandbox", session);
        var one = await Api.GetAsync($"/dashboard/api-keys/{keys[0].Id}", session);

        Assert.Equal(4, first.Data.GetProperty("total").GetInt64());
        Assert.Equal(3, first.Data.GetProperty("items").GetArrayLength());
        Assert.Equal(["live one", "three", "two"], first.Data.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()));
        Assert.Equal(["one"], second.Data.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()));
        Assert.Equal(2, second.Data.GetProperty("page").GetInt32());
        Assert.Equal(["live one"], live.Data.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()));
        Assert.Equal(3, test.Data.GetProperty("total").GetInt64());
        Assert.Equal(keys[0].PublicKey, one.Data.GetProperty("publicKey").GetString());
        var fields = one.Data.EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "id", "name", "environment", "publicKey", "active", "createdAt", "lastUsedAt", "expiresAt", "revokedAt" }, fields);
        Assert.DoesNotContain("secretKey", fields);
        Assert.DoesNotContain("fullKey", fields);
        foreach (var k in keys)
        {
            foreach (var raw in new[] { first.Raw, second.Raw, live.Raw, test.Raw, one.Raw })
            {
                Assert.DoesNotContain(k.SecretKey, raw);
                Assert.DoesNotContain(k.SecretKey[8..], raw);
            }
        }
    }

    [Theory]
    [InlineData("page=0", "page")]
    [InlineData("limit=101", "limit")]
    [InlineData("limit=abc", "limit")]
    [InlineData("environment=staging", "environment")]
    public async Task List_BadQuery_400NamingField(string query, string field)
    {
        var session = await Api.ReadyTenantAsync();

        var answer = await Api.GetAsync($"/dashboard/api-keys?{query}", session);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("VALIDATION_ERROR", answer.Code);
        Assert.Equal([field], answer.DetailFields);
    }

    public static TheoryData<string, string, string> BadCreateBodies => new()
    {
        { "POST", "not json", "body" },
        { "POST", "{\"environment\":\"test\"}", "name" },
        { "POST", "{\"name\":42}", "name" },
        { "POST", "{\"name\":\"\"}", "name" },
        { "POST", "{\"name\":\"" + new string('n', 101) + "\"}", "name" },
        { "POST", "{\"name\":\"a\",\"environment\":\"staging\"}", "environment" },
        { "POST", "{\"name\":\"a\",\"expiresAt\":\"tomorrow\"}", "expiresAt" },
        { "POST", "{\"name\":\"a\",\"expiresAt\":\"2001-01-01T00:00:00Z\"}", "expiresAt" },
        { "PATCH", "{}", "body" },
        { "PATCH", "{\"active\":\"yes\"}", "active" },
        { "PATCH", "{\"name\":[]}", "name" },
        { "POST", "{\"name\":\"backend\\u202Eyek-evil\"}", "name" },
        { "PATCH", "{\"name\":\"a\\u0000b\"}", "name" },
        { "ROTATE", "{\"overlapHours\":169}", "overlapHours" },
        { "ROTATE", "{\"overlapHours\":-1}", "overlapHours" },
        { "ROTATE", "{\"overlapHours\":\"24\"}", "overlapHours" },
        { "ROTATE", "[1]", "body" },
    };

    [Theory]
    [MemberData(nameof(BadCreateBodies))]
    public async Task KeyWrites_BadBody_400NamingFieldAndNothingChanged(string kind, string body, string field)
    {
        var session = await Api.ReadyTenantAsync();
        var key = await Api.CreateKeyAsync(session);
        var before = await SnapshotAsync(session.TenantId);

        var (method, path) = kind switch
        {
            "POST" => (HttpMethod.Post, "/dashboard/api-keys"),
            "PATCH" => (HttpMethod.Patch, $"/dashboard/api-keys/{key.Id}"),
            _ => (HttpMethod.Post, $"/dashboard/api-keys/{key.Id}/rotate"),
        };
        var answer = await Api.SendAsync(method, path, rawBody: body, session: session);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("VALIDATION_ERROR", answer.Code);
        Assert.Contains(field, answer.DetailFields);
        Assert.Equal(before, await SnapshotAsync(session.TenantId));
        Assert.Equal(HttpStatusCode.OK, (await Stack.WhoAmIAsync(Role.Sandbox, key.FullKey)).Status);
    }

    [Fact]
    public async Task KeyWrites_NotJsonOrOversized_415And413()
    {
        var session = await Api.ReadyTenantAsync();
        var before = await SnapshotAsync(session.TenantId);

        var text = await Api.SendAsync(HttpMethod.Post, "/dashboard/api-keys", rawBody: "name=x", session: session, contentType: "text/plain");
        var huge = await Api.SendAsync(HttpMethod.Post, "/dashboard/api-keys", rawBody: $"{{\"name\":\"{new string('x', 1_100_000)}\"}}", session: session,
            expectContinue: true);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.Status);
        Assert.Equal("UNSUPPORTED_MEDIA_TYPE", text.Code);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.Status);
        Assert.Equal("PAYLOAD_TOO_LARGE", huge.Code);
        Assert.Equal(before, await SnapshotAsync(session.TenantId));
    }

    [Fact]
    public async Task DisableEnableRevoke_TakeEffectOnThePlaneAtOnce()
    {
        var session = await Api.ReadyTenantAsync();
        var key = await Api.CreateKeyAsync(session);
        Assert.Equal(HttpStatusCode.OK, (await Stack.WhoAmIAsync(Role.Sandbox, key.FullKey)).Status);

        var disabled = await Api.SendAsync(HttpMethod.Patch, $"/dashboard/api-keys/{key.Id}", new { active = false }, session, Auth.Cookie);
        Assert.Equal(HttpStatusCode.OK, disabled.Status);
        Assert.False(disabled.Data.GetProperty("active").GetBoolean());
        Assert.Equal("disabled", disabled.Data.GetProperty("status").GetString());
        var whileDisabled = await Stack.WhoAmIAsync(Role.Sandbox, key.FullKey);
        Assert.Equal(HttpStatusCode.Unauthorized, whileDisabled.Status);
        Assert.Equal("API_KEY_DISABLED", whileDisabled.Code);

        var renamed = await Api.SendAsync(HttpMethod.Patch, $"/dashboard/api-keys/{key.Id}", new { active = true, name = "renamed" }, session);
        Assert.Equal("renamed", renamed.Data.GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.OK, (await Stack.WhoAmIAsync(Role.Sandbox, key.FullKey)).Status);

        var clock = Stopwatch.StartNew();
        var revoked = await Api.SendAsync(HttpMethod.Delete, $"/dashboard/api-keys/{key.Id}", session: session);
        var afterRevoke = await Stack.WhoAmIAsync(Role.Sandbox, key.FullKey);
        clock.Stop();

        Assert.Equal(HttpStatusCode.OK, revoked.Status);
        Assert.Equal("revoked", revoked.Data.GetProperty("status").GetString());
        Assert.Equal("synced", revoked.Data.GetProperty("syncStatus").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, afterRevoke.Status);
        Assert.Equal("API_KEY_REVOKED", afterRevoke.Code);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"revocation took {clock.ElapsedMilliseconds} ms to show");

        // Revoked is for good.
        var enable = await Api.SendAsync(HttpMethod.Patch, $"/dashboard/api-keys/{key.Id}", new { active = true }, session);
        Assert.Equal(HttpStatusCode.Conflict, enable.Status);
        Assert.Equal("API_KEY_REVOKED", enable.Code);
        Assert.Equal(HttpStatusCode.Conflict, (await Api.PostAsync($"/dashboard/api-keys/{key.Id}/rotate", new { }, session)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Api.SendAsync(HttpMethod.Delete, $"/dashboard/api-keys/{key.Id}", session: session)).Status);
        Assert.Equal("API_KEY_REVOKED", (await Stack.WhoAmIAsync(Role.Sandbox, key.FullKey)).Code);
    }

    [Fact]
    public async Task Rotate_OldKeyWorksUntilOverlapEndsOnAFakeClock_ThenExpired()
    {
        var clock = new AdjustableClock();
        var stack = await StartStackAsync(o => o.ConfigureServices = (_, services) => services.UseClock(clock));
        var api = stack.Dashboard;
        var session = await api.ReadyTenantAsync();
        var old = await api.CreateKeyAsync(session, name: "server");

        var rotated = await api.PostAsync($"/dashboard/api-keys/{old.Id}/rotate", new { overlapHours = 2 }, session);

        Assert.Equal(HttpStatusCode.Created, rotated.Status);
        var fresh = KeyTestKit.ToKey(rotated);
        Assert.NotEqual(old.Id, fresh.Id);
        Assert.NotEqual(old.PublicKey, fresh.PublicKey);
        Assert.Equal("server (rotated)", fresh.Data.GetProperty("name").GetString());
        Assert.Equal("test", fresh.Data.GetProperty("environment").GetString());
        Assert.Equal(old.Id, fresh.Data.GetProperty("rotatedFromId").GetString());
        Assert.Equal(HttpStatusCode.OK, (await stack.WhoAmIAsync(Role.Sandbox, old.FullKey)).Status);
        Assert.Equal(HttpStatusCode.OK, (await stack.WhoAmIAsync(Role.Sandbox, fresh.FullKey)).Status);

        clock.Advance(TimeSpan.FromMinutes(119));
        Assert.Equal(HttpStatusCode.OK, (await stack.WhoAmIAsync(Role.Sandbox, old.FullKey)).Status);

        clock.Advance(TimeSpan.FromMinutes(2));
        var expired = await stack.WhoAmIAsync(Role.Sandbox, old.FullKey);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.Status);
        Assert.Equal("API_KEY_EXPIRED", expired.Code);
        Assert.Equal(HttpStatusCode.OK, (await stack.WhoAmIAsync(Role.Sandbox, fresh.FullKey)).Status);
        Assert.Equal("expired", (await api.GetAsync($"/dashboard/api-keys/{old.Id}", session)).Data.GetProperty("status").GetString());

        // No overlap: the old key stops at once.
        var third = KeyTestKit.ToKey(await api.PostAsync($"/dashboard/api-keys/{fresh.Id}/rotate", new { overlapHours = 0 }, session));
        Assert.Equal("API_KEY_EXPIRED", (await stack.WhoAmIAsync(Role.Sandbox, fresh.FullKey)).Code);
        Assert.Equal(HttpStatusCode.OK, (await stack.WhoAmIAsync(Role.Sandbox, third.FullKey)).Status);
        Assert.Equal("server (rotated)", third.Data.GetProperty("name").GetString());
    }

    [Fact]
    public async Task OtherTenantsKey_404ForGetPatchRotateDelete_AndKeepsWorking()
    {
        var a = await Api.ReadyTenantAsync();
        var b = await Api.ReadyTenantAsync();
        var key = await Api.CreateKeyAsync(a);
        var before = await SnapshotAsync(a.TenantId);

        var answers = new[]
        {
            await Api.GetAsync($"/dashboard/api-keys/{key.Id}", b),
            await Api.SendAsync(HttpMethod.Patch, $"/dashboard/api-keys/{key.Id}", new { active = false }, b),
            await Api.PostAsync($"/dashboard/api-keys/{key.Id}/rotate", new { overlapHours = 0 }, b),
            await Api.SendAsync(HttpMethod.Delete, $"/dashboard/api-keys/{key.Id}", session: b, auth: Auth.Cookie),
            await Api.GetAsync("/dashboard/api-keys/key_doesnotexist", b),
        };

        Assert.All(answers, x => Assert.Equal(HttpStatusCode.NotFound, x.Status));
        Assert.All(answers, x => Assert.Equal("NOT_FOUND", x.Code));
        Assert.Equal(0, (await Api.GetAsync("/dashboard/api-keys", b)).Data.GetProperty("total").GetInt64());
        Assert.Equal(0, (await Api.GetAsync("/dashboard/audit-log", b)).Data.GetProperty("total").GetInt64());
        Assert.Equal(before, await SnapshotAsync(a.TenantId));
        Assert.Equal(HttpStatusCode.OK, (await Stack.WhoAmIAsync(Role.Sandbox, key.FullKey)).Status);
    }

    [Fact]
    public async Task Plane_RefusesMissingMalformedMistypedUnknownAndWrongSecret_With401Codes()
    {
        var session = await Api.ReadyTenantAsync();
        var key = await Api.CreateKeyAsync(session);
        var mistyped = key.FullKey[..^10] + (key.FullKey[^10] == 'a' ? 'b' : 'a') + key.FullKey[^9..];
        var stranger = ApiKeyFormat.Generate(PacSpaceEnvironment.Sandbox).FullKey;
        // Right public id, a different secret with a valid checksum: only the store can tell.
        var body = $"{key.PublicKey}.sk_test_{new string('Z', 32)}";
        var wrongSecret = body + ApiKeyFormat.Checksum(body);

        var cases = new (string? Key, string Code)[]
        {
            (null, "MISSING_API_KEY"),
            ("", "MISSING_API_KEY"),
            ("hello", "INVALID_API_KEY"),
            (key.PublicKey, "INVALID_API_KEY"),
            (key.FullKey[..^1], "INVALID_API_KEY"),
            (mistyped, "INVALID_API_KEY"),
            (key.FullKey.Replace("sk_test_", "sk_live_", StringComparison.Ordinal), "INVALID_API_KEY"),
            (stranger, "INVALID_API_KEY"),
            (wrongSecret, "INVALID_API_KEY"),
        };
        foreach (var (presented, code) in cases)
        {
            var answer = await Stack.WhoAmIAsync(Role.Sandbox, presented);
            Assert.True(answer.Status == HttpStatusCode.Unauthorized, $"{presented}: {answer}");
            Assert.Equal(code, answer.Code);
            Assert.False(answer.Body.GetProperty("success").GetBoolean());
            Assert.DoesNotContain(key.SecretKey[8..], answer.Raw);
        }
    }

    [Fact]
    public async Task Plane_BadChecksum_RefusedWithoutTouchingStorage()
    {
        var stack = await StartStackAsync();
        var session = await stack.Dashboard.ReadyTenantAsync();
        var key = await stack.Dashboard.CreateKeyAsync(session);
        var mistyped = key.FullKey[..^3] + (key.FullKey[^3] == 'a' ? 'b' : 'a') + key.FullKey[^2..];
        var unknown = ApiKeyFormat.Generate(PacSpaceEnvironment.Sandbox).FullKey;

        // Take the plane's key table away: anything that reads it now fails.
        await using (var c = await stack.PlaneDb(Role.Sandbox).OpenAsync(default))
        {
            await c.ExecuteAsync("ALTER TABLE api_keys RENAME TO api_keys_gone");
        }

        var bad = await stack.WhoAmIAsync(Role.Sandbox, mistyped);
        var lookedUp = await stack.WhoAmIAsync(Role.Sandbox, unknown);

        Assert.Equal(HttpStatusCode.Unauthorized, bad.Status);
        Assert.Equal("INVALID_API_KEY", bad.Code);
        Assert.True((int)lookedUp.Status >= 500, $"a well-formed key is looked up (and the lookup fails here): {lookedUp}");
    }

    [Fact]
    public async Task Plane_KeyOfTenantWithoutLedger_412ContractNotDeployed()
    {
        var key = ApiKeyFormat.Generate(PacSpaceEnvironment.Sandbox);
        var tenantId = "tnt_" + new string('0', 26);
        using var client = Stack.PlaneClient(Role.Sandbox);
        var state = new KeyStateMessage("key_" + new string('1', 26), key.PublicId, tenantId, "test", ApiKeyFormat.HashSecretHex(key.SecretKey), "active", null, "free", 1);
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/internal/v1/keys/{key.PublicId}") { Content = JsonContent(state) };
        put.Headers.Add("X-PacSpace-Service-Secret", Stack.ServiceSecret);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(put)).StatusCode);

        var answer = await Stack.WhoAmIAsync(Role.Sandbox, key.FullKey);

        Assert.Equal(HttpStatusCode.PreconditionFailed, answer.Status);
        Assert.Equal("CONTRACT_NOT_DEPLOYED", answer.Code);
    }

    [Fact]
    public async Task PlaneInternalKeys_RefusesOtherEnvironmentAndMissingSecret()
    {
        // A stack of its own: "nothing pending" is about every key of the stack, and the class's other tests change keys on theirs.
        var stack = await StartStackAsync();
        var key = ApiKeyFormat.Generate(PacSpaceEnvironment.Production);
        var state = new KeyStateMessage("key_" + new string('1', 26), key.PublicId, "tnt_" + new string('0', 26), "live", ApiKeyFormat.HashSecretHex(key.SecretKey), "active", null, "pilot", 1);
        using var client = stack.PlaneClient(Role.Sandbox);

        using var noSecret = await client.PutAsync($"/internal/v1/keys/{key.PublicId}", JsonContent(state));
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/internal/v1/keys/{key.PublicId}") { Content = JsonContent(state) };
        put.Headers.Add("X-PacSpace-Service-Secret", stack.ServiceSecret);
        using var wrongPlane = await client.SendAsync(put);

        Assert.Equal(HttpStatusCode.Unauthorized, noSecret.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, wrongPlane.StatusCode);

        // The control plane's side, as a starting plane reads it: nothing pending is an empty page, not an error.
        using var pending = new HttpRequestMessage(HttpMethod.Get, "/internal/v1/keys/pending?environment=live");
        pending.Headers.Add("X-PacSpace-Service-Secret", stack.ServiceSecret);
        using var empty = await stack.Dashboard.Http.SendAsync(pending);
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        Assert.Equal(0, JsonDocument.Parse(await empty.Content.ReadAsStringAsync()).RootElement.GetProperty("data").GetProperty("items").GetArrayLength());
        await using var c = await stack.PlaneDb(Role.Sandbox).OpenAsync(default);
        Assert.Equal(0, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM api_keys WHERE public_id = @id", new { id = key.PublicId }));
    }

    [Fact]
    public async Task RateLimit_PerKeyTokenBucketByPlan_429WithRetryAfter()
    {
        var stack = await StartStackAsync(o =>
        {
            o.Overrides["Plane:RateLimits:free:PermitsPerSecond"] = "1";
            o.Overrides["Plane:RateLimits:free:Burst"] = "3";
            o.Overrides["Plane:RateLimits:pilot:PermitsPerSecond"] = "1";
            o.Overrides["Plane:RateLimits:pilot:Burst"] = "30";
        });
        var api = stack.Dashboard;
        var session = await api.ReadyTenantAsync();
        var key = await api.CreateKeyAsync(session);
        var other = await api.CreateKeyAsync(session, name: "other");

        var answers = new List<Answer>();
        for (var i = 0; i < 4; i++)
        {
            answers.Add(await stack.WhoAmIAsync(Role.Sandbox, key.FullKey));
        }

        Assert.All(answers.Take(3), a => Assert.Equal(HttpStatusCode.OK, a.Status));
        var limited = answers[3];
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.Status);
        Assert.Equal("RATE_LIMITED", limited.Code);
        Assert.True(int.Parse(limited.Headers.RetryAfter!.ToString()) >= 1);
        Assert.True(limited.Body.GetProperty("error").GetProperty("retryAfterSeconds").GetInt32() >= 1);
        Assert.Equal(HttpStatusCode.OK, (await stack.WhoAmIAsync(Role.Sandbox, other.FullKey)).Status);

        // A plan change reaches the plane through key sync and brings the plan's bucket.
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync("/dashboard/billing/plan", new { tier = "pilot" }, session)).Status);
        await KeyTestKit.EventuallyAsync(() => api.GetAsync($"/dashboard/api-keys/{key.Id}", session),
            a => a.Data.GetProperty("syncStatus").GetString() == "synced", TimeSpan.FromSeconds(10), "plan re-delivery");
        await using (var c = await stack.PlaneDb(Role.Sandbox).OpenAsync(default))
        {
            Assert.Equal("pilot", await c.ExecuteScalarAsync<string>("SELECT plan FROM api_keys WHERE key_id = @id", new { id = key.Id }));
        }

        var afterUpgrade = await KeyTestKit.EventuallyAsync(async () =>
        {
            var burst = new List<HttpStatusCode>();
            for (var i = 0; i < 10; i++)
            {
                burst.Add((await stack.WhoAmIAsync(Role.Sandbox, key.FullKey)).Status);
            }

            return burst;
        }, burst => burst.All(s => s == HttpStatusCode.OK), TimeSpan.FromSeconds(5), "pilot bucket");
        Assert.Equal(10, afterUpgrade.Count);
    }

    [Fact]
    public async Task LastUsedAt_WrittenInBatchesNotPerRequest_AndShownInTheDashboardList()
    {
        var stack = await StartStackAsync(o =>
        {
            o.Overrides["Plane:UsageFlushInterval"] = "00:00:30";
            o.Overrides["KeySync:UsagePollInterval"] = "00:00:00.200";
        });
        var api = stack.Dashboard;
        var session = await api.ReadyTenantAsync();
        var key = await api.CreateKeyAsync(session);
        var before = DateTimeOffset.UtcNow;
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await stack.WhoAmIAsync(Role.Sandbox, key.FullKey)).Status);
        }

        await using (var c = await stack.PlaneDb(Role.Sandbox).OpenAsync(default))
        {
            Assert.Null(await c.ExecuteScalarAsync<long?>("SELECT last_used_at FROM api_keys WHERE key_id = @id", new { id = key.Id }));
        }

        // A clean stop writes what is pending; the control plane reads it from the plane's usage feed.
        await stack.StopAsync(Role.Sandbox);
        await stack.StartAsync(Role.Sandbox);
        var listed = await KeyTestKit.EventuallyAsync(() => api.GetAsync("/dashboard/api-keys", session),
            a => a.Data.GetProperty("items")[0].GetProperty("lastUsedAt").ValueKind == JsonValueKind.String, TimeSpan.FromSeconds(10), "lastUsedAt in the list");

        var lastUsed = DateTimeOffset.Parse(listed.Data.GetProperty("items")[0].GetProperty("lastUsedAt").GetString()!);
        Assert.InRange(lastUsed, before.AddSeconds(-1), DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task Planes_WithoutControlPlane_KeepAuthenticating()
    {
        var stack = await StartStackAsync(o => o.Overrides["Plane:StartupSyncTimeout"] = "00:00:01");
        var session = await stack.Dashboard.ReadyTenantAsync();
        var key = await stack.Dashboard.CreateKeyAsync(session);

        await stack.StopAsync(Role.Dashboard);
        Assert.Equal(HttpStatusCode.OK, (await stack.WhoAmIAsync(Role.Sandbox, key.FullKey)).Status);

        // Even a plane (re)started while the control plane is down.
        await stack.StopAsync(Role.Sandbox);
        await stack.StartAsync(Role.Sandbox);
        var answer = await stack.WhoAmIAsync(Role.Sandbox, key.FullKey);
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(key.Id, answer.Data.GetProperty("keyId").GetString());
    }

    [Fact]
    public async Task RevokeWhilePlaneDown_IsPendingThenRefusedOnTheFirstRequestAfterRestart()
    {
        // No worker: only the plane's own start-up catch-up can bring the revocation.
        var stack = await StartStackAsync(o => o.Overrides["KeySync:WorkerEnabled"] = "false");
        var session = await stack.Dashboard.ReadyTenantAsync();
        var key = await stack.Dashboard.CreateKeyAsync(session);
        Assert.Equal(HttpStatusCode.OK, (await stack.WhoAmIAsync(Role.Sandbox, key.FullKey)).Status);

        await stack.StopAsync(Role.Sandbox);
        var revoked = await stack.Dashboard.SendAsync(HttpMethod.Delete, $"/dashboard/api-keys/{key.Id}", session: session);
        Assert.Equal(HttpStatusCode.OK, revoked.Status);
        Assert.Equal("pending", revoked.Data.GetProperty("syncStatus").GetString());
        await stack.StartAsync(Role.Sandbox);

        var first = await stack.WhoAmIAsync(Role.Sandbox, key.FullKey);
        Assert.Equal(HttpStatusCode.Unauthorized, first.Status);
        Assert.Equal("API_KEY_REVOKED", first.Code);
    }

    [Fact]
    public async Task ChangesWhilePlaneDown_DeliveredByTheWorkerWhenItIsBack()
    {
        // No start-up catch-up: only the control plane's outbox can bring the changes.
        var stack = await StartStackAsync(o =>
        {
            o.Overrides["Plane:ControlPlaneUrl"] = "";
            o.Overrides["KeySync:InitialBackoff"] = "00:00:00.050";
            o.Overrides["KeySync:MaxBackoff"] = "00:00:00.300";
        });
        var session = await stack.Dashboard.ReadyTenantAsync();
        var kept = await stack.Dashboard.CreateKeyAsync(session);

        await stack.StopAsync(Role.Sandbox);
        var created = await stack.Dashboard.PostAsync("/dashboard/api-keys", new { name = "made while down" }, session);
        var disabled = await stack.Dashboard.SendAsync(HttpMethod.Patch, $"/dashboard/api-keys/{kept.Id}", new { active = false }, session);
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal("pending", created.Data.GetProperty("syncStatus").GetString());
        Assert.Equal("pending", disabled.Data.GetProperty("syncStatus").GetString());
        await Task.Delay(500); // a few failed deliveries
        await stack.StartAsync(Role.Sandbox);

        await KeyTestKit.EventuallyAsync(() => stack.Dashboard.GetAsync("/dashboard/api-keys", session),
            a => a.Data.GetProperty("items").EnumerateArray().All(i => i.GetProperty("syncStatus").GetString() == "synced"), TimeSpan.FromSeconds(10), "delivery");
        Assert.Equal(HttpStatusCode.OK, (await stack.WhoAmIAsync(Role.Sandbox, KeyTestKit.ToKey(created).FullKey)).Status);
        Assert.Equal("API_KEY_DISABLED", (await stack.WhoAmIAsync(Role.Sandbox, kept.FullKey)).Code);
    }

    [Fact]
    public async Task AuditLog_RecordsEveryChangeWithActorIpAndKey_Paginated()
    {
        var session = await Api.ReadyTenantAsync();
        var key = await Api.CreateKeyAsync(session, name: "audited");
        await Api.SendAsync(HttpMethod.Patch, $"/dashboard/api-keys/{key.Id}", new { active = false, name = "audited 2" }, session);
        await Api.SendAsync(HttpMethod.Patch, $"/dashboard/api-keys/{key.Id}", new { active = true }, session);
        var rotated = KeyTestKit.ToKey(await Api.PostAsync($"/dashboard/api-keys/{key.Id}/rotate", new { overlapHours = 1 }, session));
        await Api.SendAsync(HttpMethod.Delete, $"/dashboard/api-keys/{rotated.Id}", session: session, auth: Auth.Cookie);

        var all = await Api.GetAsync("/dashboard/audit-log?limit=100", session, Auth.Cookie);
        var page = await Api.GetAsync("/dashboard/audit-log?limit=2&page=2", session);

        var items = all.Data.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(6, all.Data.GetProperty("total").GetInt64());
        // Rename and disable share one request (and possibly one millisecond), so compare as a set.
        Assert.Equal(
            new[] { "api_key.created", "api_key.disabled", "api_key.enabled", "api_key.renamed", "api_key.revoked", "api_key.rotated" },
            items.Select(i => i.GetProperty("action").GetString()).Order().ToArray());
        Assert.Equal("api_key.revoked", items[0].GetProperty("action").GetString());
        Assert.Equal("api_key.created", items[^1].GetProperty("action").GetString());
        Assert.All(items, i =>
        {
            Assert.Equal(session.UserId, i.GetProperty("actor").GetProperty("userId").GetString());
            Assert.Equal(session.Email, i.GetProperty("actor").GetProperty("email").GetString());
            Assert.Equal("127.0.0.1", i.GetProperty("ip").GetString());
            Assert.StartsWith("key_", i.GetProperty("targetId").GetString());
            Assert.True(DateTimeOffset.TryParse(i.GetProperty("at").GetString(), out _));
        });
        Assert.Equal(rotated.Id, items[0].GetProperty("targetId").GetString());
        var rotation = items.Single(i => i.GetProperty("action").GetString() == "api_key.rotated");
        Assert.Equal(key.Id, rotation.GetProperty("targetId").GetString());
        Assert.Equal(rotated.Id, rotation.GetProperty("details").GetProperty("newKeyId").GetString());
        Assert.Equal(2, page.Data.GetProperty("items").GetArrayLength());
        Assert.Equal(6, page.Data.GetProperty("total").GetInt64());
        Assert.DoesNotContain(key.SecretKey[8..], all.Raw);
        Assert.DoesNotContain(rotated.SecretKey[8..], all.Raw);
    }

    [Fact]
    public async Task Secrets_NeverInListsLogsAuditErrorsOrEitherDatabase()
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
        var test = await api.CreateKeyAsync(session);
        var live = await api.CreateKeyAsync(session, "live");
        var rotated = KeyTestKit.ToKey(await api.PostAsync($"/dashboard/api-keys/{test.Id}/rotate", new { overlapHours = 0 }, session));
        var keys = new[] { test, live, rotated };
        var seen = new List<string>();
        foreach (var k in keys)
        {
            foreach (var plane in new[] { Role.Sandbox, Role.Production })
            {
                seen.Add((await stack.WhoAmIAsync(plane, k.FullKey)).Raw);
                seen.Add((await stack.WhoAmIAsync(plane, k.FullKey[..^1] + "0")).Raw);
            }
        }

        await api.SendAsync(HttpMethod.Patch, $"/dashboard/api-keys/{live.Id}", new { active = false }, session);
        await api.SendAsync(HttpMethod.Delete, $"/dashboard/api-keys/{live.Id}", session: session);
        seen.Add((await stack.WhoAmIAsync(Role.Production, live.FullKey)).Raw);
        seen.Add((await api.GetAsync("/dashboard/api-keys?limit=100", session)).Raw);
        seen.Add((await api.GetAsync($"/dashboard/api-keys/{test.Id}", session)).Raw);
        seen.Add((await api.GetAsync("/dashboard/audit-log?limit=100", session)).Raw);
        seen.Add((await api.PostAsync("/dashboard/api-keys", new { name = live.FullKey, environment = "nope" }, session)).Raw);
        await stack.StopAsync(Role.Sandbox); // flushes usage, logs shutdown

        var stored = new List<string>();
        foreach (var role in new[] { Role.Dashboard, Role.Sandbox, Role.Production })
        {
            await using var c = await stack.PlaneDb(role).OpenAsync(default);
            var tables = role == Role.Dashboard ? new[] { "api_keys", "audit_log" } : new[] { "api_keys" };
            foreach (var table in tables)
            {
                foreach (var row in await c.QueryAsync($"SELECT * FROM {table}"))
                {
                    stored.Add(string.Join("|", ((IDictionary<string, object?>)row).Values));
                }
            }
        }

        Assert.NotEmpty(logs.Lines);
        foreach (var k in keys)
        {
            var secretPart = k.SecretKey[8..];
            Assert.DoesNotContain(logs.Lines, l => l.Contains(secretPart, StringComparison.Ordinal));
            Assert.DoesNotContain(seen, s => s.Contains(secretPart, StringComparison.Ordinal));
            Assert.DoesNotContain(stored, s => s.Contains(secretPart, StringComparison.Ordinal));
            // What is stored is SHA-256 of the sk_ part.
            Assert.Contains(stored, s => s.Contains(ApiKeyFormat.HashSecretHex(k.SecretKey), StringComparison.Ordinal));
        }
    }

    private async Task<string> SnapshotAsync(string tenantId)
    {
        await using var c = await Stack.ControlDb.OpenAsync(default);
        var keys = await c.QueryAsync<string>(
            "SELECT id || ':' || name || ':' || enabled || ':' || version || ':' || COALESCE(CAST(expires_at AS TEXT), '') || ':' || COALESCE(CAST(revoked_at AS TEXT), '') FROM api_keys WHERE tenant_id = @tenantId ORDER BY id",
            new { tenantId });
        var audit = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_log WHERE tenant_id = @tenantId", new { tenantId });
        return string.Join(",", keys) + $"#audit={audit}";
    }

    private static StringContent JsonContent(KeyStateMessage state) =>
        new(JsonSerializer.Serialize(state, PacSpace.Hosting.Json.JsonDefaults.Options), System.Text.Encoding.UTF8, "application/json");

    [GeneratedRegex("^key_[0-9a-z]{26}$")]
    private static partial Regex KeyId();
}

public sealed class ApiKeyScenariosOnSqlite(SharedStacks shared) : ApiKeyScenarios(Store.Sqlite, null, shared);

[Collection(PostgresCollection.Name)]
public sealed class ApiKeyScenariosOnPostgres(PostgresServer postgres, SharedStacks shared) : ApiKeyScenarios(Store.Postgres, postgres, shared);
