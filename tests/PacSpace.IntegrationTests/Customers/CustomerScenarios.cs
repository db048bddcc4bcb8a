using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Dapper;
using PacSpace.Cli;
using PacSpace.IntegrationTests.Dashboard;
using PacSpace.IntegrationTests.Infrastructure;

namespace PacSpace.IntegrationTests.Customers;

/// <summary>
/// <c>POST /dashboard/customers</c> on each plane's host (API key and dashboard token together, the token checked by the control
/// plane) and on the control plane (session, environment from the key or by name, forwarded to the plane); the created
/// customers in <c>customers</c> and <c>customers/{id}</c> before and after their first delta; one environment never sees
/// another's. On SQLite and PostgreSQL.
/// </summary>
public abstract class CustomerScenarios(Store store, PostgresServer? postgres, SharedStacks shared) : SharedStackTests(store, postgres, shared)
{
    private const string Path = "/dashboard/customers";

    [Fact]
    public async Task CreateOnPlane_KeyAndToken_Returns201_AndTheCustomerIsListedBeforeAndAfterItsFirstDelta()
    {
        var session = await Api.ReadyTenantAsync();
        var key = (await Api.CreateKeyAsync(session)).FullKey;

        var created = await CreateOnPlaneAsync(Stack, Role.Sandbox, key, session,
            """{"displayName": "Acme Corp", "customerId": "team/acme", "sharingStateHint": "INHERIT", "eventCadence": "PER_EVENT", "unitLabel": "credits"}""");

        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.True(created.Body.GetProperty("success").GetBoolean());
        Assert.False(created.Body.TryGetProperty("statusCode", out _)); // the plane's envelope
        var data = created.Data;
        Assert.Equal(("team/acme", "Acme Corp", "credits", "PER_EVENT", "INHERIT", "sandbox"),
            (Str(data, "customerId"), Str(data, "displayName"), Str(data, "unitLabel"), Str(data, "eventCadence"), Str(data, "sharingStateHint"), Str(data, "environment")));
        var createdAt = data.GetProperty("createdAt").GetDateTimeOffset();
        Assert.True(Math.Abs((DateTimeOffset.UtcNow - createdAt).TotalMinutes) < 1, createdAt.ToString("O"));

        // Before any delta: listed with its name and unit, zero figures, no delta times; its detail likewise.
        var listed = Single(await GetAsync(key, "/api/v1/balance/customers"), "team/acme");
        Assert.Equal(("Acme Corp", "credits", 0L, 0L), (Str(listed, "displayName"), Str(listed, "unitLabel"), Long(listed, "totalDeltas"), Long(listed, "computedBalance")));
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("firstDeltaAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("lastDeltaAt").ValueKind);
        var detail = (await GetAsync(key, "/api/v1/balance/customers/team%2Facme")).Data;
        Assert.Equal(("Acme Corp", "credits", 0L, 0L, 0L), (Str(detail, "displayName"), Str(detail, "unitLabel"), Long(detail, "totalDeltas"), Long(detail, "pendingDeltas"), Long(detail, "computedBalance")));
        Assert.Equal(0, detail.GetProperty("recentActivity").GetProperty("items").GetArrayLength());

        // After its deltas (and beside a customer known only from its deltas): one entry each, the balance from the chain.
        foreach (var (customer, delta) in new[] { ("team/acme", 100), ("team/acme", -30), ("zeta", 7) })
        {
            var emitted = await Stack.EmitAsync(Role.Sandbox, key, $$"""{"customerId":"{{customer}}","delta":{{delta}},"reason":"usage"}""");
            await Stack.VerifiedAsync(Role.Sandbox, key, emitted.Data.GetProperty("recordId").GetString()!);
        }

        var list = (await GetAsync(key, "/api/v1/balance/customers")).Data;
        Assert.Equal(["team/acme", "zeta"], list.GetProperty("customers").EnumerateArray().Select(c => Str(c, "customerId")));
        Assert.Equal(2, list.GetProperty("pagination").GetProperty("total").GetInt64());
        var acme = list.GetProperty("customers")[0];
        Assert.Equal(("Acme Corp", "credits", 2L, 70L), (Str(acme, "displayName"), Str(acme, "unitLabel"), Long(acme, "totalDeltas"), Long(acme, "computedBalance")));
        Assert.Equal(JsonValueKind.String, acme.GetProperty("firstDeltaAt").ValueKind);
        var zeta = list.GetProperty("customers")[1];
        Assert.Equal((JsonValueKind.Null, JsonValueKind.Null, 7L), (zeta.GetProperty("displayName").ValueKind, zeta.GetProperty("unitLabel").ValueKind, Long(zeta, "computedBalance")));
        detail = (await GetAsync(key, "/api/v1/balance/customers/team%2Facme")).Data;
        Assert.Equal(("Acme Corp", 2L, 70L), (Str(detail, "displayName"), Long(detail, "totalDeltas"), Long(detail, "computedBalance")));
        Assert.Equal(70, (await GetAsync(key, "/api/v1/balance/derive/team%2Facme")).Data.GetProperty("computedBalance").GetInt64());

        // Search reaches both kinds; a page boundary falls between them without repeating either.
        Assert.Equal(["team/acme"], (await GetAsync(key, "/api/v1/balance/customers?search=ACME")).Data.GetProperty("customers").EnumerateArray().Select(c => Str(c, "customerId")));
        var generated = await CreateOnPlaneAsync(Stack, Role.Sandbox, key, session, """{"displayName": "Beta"}""");
        Assert.Equal(HttpStatusCode.Created, generated.Status);
        var generatedId = Str(generated.Data, "customerId")!;
        Assert.Matches("^cus_[0-9a-z]{26}$", generatedId);
        Assert.Equal(JsonValueKind.Null, generated.Data.GetProperty("unitLabel").ValueKind);
        var pages = new List<string>();
        for (var page = 1; page <= 3; page++)
        {
            var answer = (await GetAsync(key, $"/api/v1/balance/customers?limit=1&page={page}")).Data;
            Assert.Equal(3, answer.GetProperty("pagination").GetProperty("total").GetInt64());
            pages.AddRange(answer.GetProperty("customers").EnumerateArray().Select(c => Str(c, "customerId")!));
        }

        // In the database's collation order, which for ids like these need not be ordinal: each exactly once across the pages.
        Assert.Equal(new[] { generatedId, "team/acme", "zeta" }.Order(StringComparer.Ordinal), pages.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task CreateOnPlane_WithoutBothCredentialsOrWithAnotherAccountsToken_IsRefusedAndWritesNothing()
    {
        var session = await Api.ReadyTenantAsync();
        var stranger = await Api.ReadyTenantAsync();
        await Api.ActivateProductionAsync(session);
        var key = (await Api.CreateKeyAsync(session)).FullKey;
        var live = (await Api.CreateKeyAsync(session, "live")).FullKey;
        const string body = """{"displayName": "Acme", "customerId": "acme"}""";
        var before = (Sandbox: await ProfilesAsync(Stack, Role.Sandbox), Production: await ProfilesAsync(Stack, Role.Production));

        var keyOnly = await CreateOnPlaneAsync(Stack, Role.Sandbox, key, null, body);
        Assert.Equal((HttpStatusCode.Unauthorized, "UNAUTHENTICATED"), (keyOnly.Status, keyOnly.Code));
        Assert.Contains("dashboard token", keyOnly.Body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);

        var tokenOnly = await CreateOnPlaneAsync(Stack, Role.Sandbox, null, session, body);
        Assert.Equal((HttpStatusCode.Unauthorized, "MISSING_API_KEY"), (tokenOnly.Status, tokenOnly.Code));

        var otherAccount = await CreateOnPlaneAsync(Stack, Role.Sandbox, key, stranger, body);
        Assert.Equal((HttpStatusCode.Unauthorized, "UNAUTHENTICATED"), (otherAccount.Status, otherAccount.Code));
        Assert.Contains("does not belong to the account of this API key", otherAccount.Raw, StringComparison.Ordinal);

        var forged = await CreateOnPlaneAsync(Stack, Role.Sandbox, key, session with { Token = session.Token[..^4] + "AAAA" }, body);
        Assert.Equal((HttpStatusCode.Unauthorized, "UNAUTHENTICATED"), (forged.Status, forged.Code));

        var basic = await Stack.SendAsync(Role.Sandbox, HttpMethod.Post, Path, key, body, new Dictionary<string, string> { ["Authorization"] = "Basic YTpi" });
        Assert.Equal((HttpStatusCode.Unauthorized, "UNAUTHENTICATED"), (basic.Status, basic.Code));

        var wrongPlane = await CreateOnPlaneAsync(Stack, Role.Sandbox, live, session, body);
        Assert.Equal((HttpStatusCode.Forbidden, "API_KEY_ENVIRONMENT_HOST_MISMATCH"), (wrongPlane.Status, wrongPlane.Code));

        // The session cookie works in place of the JWT, with the CSRF header as on the dashboard.
        var noCsrf = await CreateOnPlaneAsync(Stack, Role.Sandbox, key, session, body, Auth.Cookie, csrf: false);
        Assert.Equal((HttpStatusCode.Forbidden, "CSRF_REQUIRED"), (noCsrf.Status, noCsrf.Code));
        var strangerCookie = await CreateOnPlaneAsync(Stack, Role.Sandbox, key, stranger, body, Auth.Cookie);
        Assert.Equal((HttpStatusCode.Unauthorized, "UNAUTHENTICATED"), (strangerCookie.Status, strangerCookie.Code));

        Assert.Equal(before.Sandbox, await ProfilesAsync(Stack, Role.Sandbox));
        Assert.Equal(before.Production, await ProfilesAsync(Stack, Role.Production));

        var cookie = await CreateOnPlaneAsync(Stack, Role.Sandbox, key, session, body, Auth.Cookie);
        Assert.Equal(HttpStatusCode.Created, cookie.Status);
        Assert.Equal(before.Sandbox + 1, await ProfilesAsync(Stack, Role.Sandbox));
    }

    [Fact]
    public async Task CreateTwice_SameDetailsAnswer200_OtherDetails409_AndAnIdempotencyKeyReplaysAGeneratedId()
    {
        var session = await Api.ReadyTenantAsync();
        var key = (await Api.CreateKeyAsync(session)).FullKey;
        const string body = """{"displayName": "Acme", "customerId": "acme", "unitLabel": "credits"}""";
        var before = await ProfilesAsync(Stack, Role.Sandbox);

        var first = await CreateOnPlaneAsync(Stack, Role.Sandbox, key, session, body);
        var again = await CreateOnPlaneAsync(Stack, Role.Sandbox, key, session, body);
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK), (first.Status, again.Status));
        Assert.Equal(first.Data.GetRawText(), again.Data.GetRawText());

        var renamed = await CreateOnPlaneAsync(Stack, Role.Sandbox, key, session, """{"displayName": "Acme Inc", "customerId": "acme"}""");
        Assert.Equal((HttpStatusCode.Conflict, "CUSTOMER_EXISTS"), (renamed.Status, renamed.Code));
        Assert.Equal(["displayName", "unitLabel"], renamed.DetailFields);
        Assert.Equal("Acme", Str((await GetAsync(key, "/api/v1/balance/customers/acme")).Data, "displayName"));

        // A customer known only from its deltas gets its profile.
        var emitted = await Stack.EmitAsync(Role.Sandbox, key, """{"customerId":"legacy","delta":5,"reason":"usage"}""");
        await Stack.VerifiedAsync(Role.Sandbox, key, emitted.Data.GetProperty("recordId").GetString()!);
        Assert.Equal(HttpStatusCode.Created, (await CreateOnPlaneAsync(Stack, Role.Sandbox, key, session, """{"displayName": "Legacy Ltd", "customerId": "legacy"}""")).Status);
        var legacy = (await GetAsync(key, "/api/v1/balance/customers/legacy")).Data;
        Assert.Equal(("Legacy Ltd", 5L, 1L), (Str(legacy, "displayName"), Long(legacy, "computedBalance"), Long(legacy, "totalDeltas")));

        // Without a customerId a retry would make a second customer; the Idempotency-Key makes it the same one.
        var keyed = await CreateOnPlaneAsync(Stack, Role.Sandbox, key, session, """{"displayName": "Gamma"}""", idempotencyKey: "create-gamma");
        var retried = await CreateOnPlaneAsync(Stack, Role.Sandbox, key, session, """{"displayName": "Gamma"}""", idempotencyKey: "create-gamma");
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK), (keyed.Status, retried.Status));
        Assert.Equal(Str(keyed.Data, "customerId"), Str(retried.Data, "customerId"));
        var reused = await CreateOnPlaneAsync(Stack, Role.Sandbox, key, session, """{"displayName": "Delta"}""", idempotencyKey: "create-gamma");
        Assert.Equal((HttpStatusCode.Conflict, "IDEMPOTENCY_KEY_REUSED"), (reused.Status, reused.Code));
        Assert.Equal(before + 3, await ProfilesAsync(Stack, Role.Sandbox));
    }

    [Fact]
    public async Task BadBodies_Return400NamingTheFieldAndWriteNothing()
    {
        var session = await Api.ReadyTenantAsync();
        var key = (await Api.CreateKeyAsync(session)).FullKey;
        var before = (Profiles: await ProfilesAsync(Stack, Role.Sandbox), Audited: await CreatedAuditedAsync(Stack));
        var cases = new (string Body, string Field)[]
        {
            ("""{"customerId": "a"}""", "displayName"),
            ("""{"displayName": null}""", "displayName"),
            ("""{"displayName": "   "}""", "displayName"),
            ("""{"displayName": "Acme\u202Eevil"}""", "displayName"),
            ("""{"displayName": "Acme\u0007"}""", "displayName"),
            ("""{"displayName": "Acme\nCorp"}""", "displayName"),
            ($$"""{"displayName": "{{new string('x', 201)}}"}""", "displayName"),
            ("""{"displayName": 42}""", "displayName"),
            ("""{"displayName": "Acme", "customerId": ""}""", "customerId"),
            ("""{"displayName": "Acme", "customerId": "a\u2066b"}""", "customerId"),
            ($$"""{"displayName": "Acme", "customerId": "{{new string('c', 257)}}"}""", "customerId"),
            ("""{"displayName": "Acme", "customerId": 7}""", "customerId"),
            ($$"""{"displayName": "Acme", "unitLabel": "{{new string('u', 33)}}"}""", "unitLabel"),
            ("""{"displayName": "Acme", "unitLabel": ["credits"]}""", "unitLabel"),
            ($$"""{"displayName": "Acme", "eventCadence": "{{new string('e', 33)}}"}""", "eventCadence"),
            ("""{"displayName": "Acme", "eventCadence": true}""", "eventCadence"),
            ("""{"displayName": "Acme", "sharingStateHint": {"a": 1}}""", "sharingStateHint"),
            ("""{"displayName": "Acme", "sharingStateHint": "\u0000"}""", "sharingStateHint"),
            ("""{"displayName": "Acme", "displayName": "Other"}""", "displayName"),
            ("""{"displayName": "\ud800"}""", "displayName"),
            ("""{"displayName": """, "body"),
            ("""["displayName"]""", "body"),
        };

        foreach (var (body, field) in cases)
        {
            foreach (var answer in new[]
            {
                await CreateOnPlaneAsync(Stack, Role.Sandbox, key, session, body),
                await Api.SendAsync(HttpMethod.Post, Path + "?environment=sandbox", rawBody: body, session: session),
            })
            {
                Assert.True(answer.Status == HttpStatusCode.BadRequest, $"{body} → {answer}");
                Assert.Equal("VALIDATION_ERROR", answer.Code);
                Assert.Contains(field, answer.DetailFields);
            }
        }

        var headerProblem = await CreateOnPlaneAsync(Stack, Role.Sandbox, key, session, """{"displayName": "Acme"}""", idempotencyKey: new string('k', 256));
        Assert.Equal(["Idempotency-Key"], headerProblem.DetailFields);
        var notJson = await Stack.SendAsync(Role.Sandbox, HttpMethod.Post, Path, key, "displayName=Acme",
            new Dictionary<string, string> { ["Authorization"] = "Bearer " + session.Token }, "application/x-www-form-urlencoded");
        Assert.Equal((HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE"), (notJson.Status, notJson.Code));
        Assert.Equal(before, (await ProfilesAsync(Stack, Role.Sandbox), await CreatedAuditedAsync(Stack)));
    }

    [Fact]
    public async Task SandboxCustomer_IsAbsentOnProduction_AndTheProductionDatabaseHoldsNoneOfIt()
    {
        var session = await Api.ReadyTenantAsync();
        await Api.ActivateProductionAsync(session);
        var test = (await Api.CreateKeyAsync(session)).FullKey;
        var live = (await Api.CreateKeyAsync(session, "live")).FullKey;
        var before = await ProfilesAsync(Stack, Role.Production);

        Assert.Equal(HttpStatusCode.Created, (await CreateOnPlaneAsync(Stack, Role.Sandbox, test, session, """{"displayName": "Sandbox Only", "customerId": "shared-id"}""")).Status);

        Assert.Equal("Sandbox Only", Str((await GetAsync(test, "/api/v1/balance/customers/shared-id")).Data, "displayName"));
        var onProduction = await Stack.SendAsync(Role.Production, HttpMethod.Get, "/api/v1/balance/customers/shared-id", live);
        Assert.Equal((HttpStatusCode.NotFound, "CUSTOMER_NOT_FOUND"), (onProduction.Status, onProduction.Code));
        Assert.Equal(0, (await Stack.SendAsync(Role.Production, HttpMethod.Get, "/api/v1/balance/customers", live)).Data.GetProperty("pagination").GetProperty("total").GetInt64());
        Assert.Equal(before, await ProfilesAsync(Stack, Role.Production));

        // The same id on Production is a customer of its own.
        var production = await CreateOnPlaneAsync(Stack, Role.Production, live, session, """{"displayName": "Production Only", "customerId": "shared-id"}""");
        Assert.Equal((HttpStatusCode.Created, "production"), (production.Status, Str(production.Data, "environment")));
        Assert.Equal("Sandbox Only", Str((await GetAsync(test, "/api/v1/balance/customers/shared-id")).Data, "displayName"));
        Assert.Equal(before + 1, await ProfilesAsync(Stack, Role.Production));
        await using var db = await Stack.PlaneDb(Role.Production).OpenAsync(default);
        Assert.Equal(["Production Only"], await db.QueryAsync<string>($"SELECT display_name FROM customer_profiles {OfTenant}", new { t = session.TenantId }));
    }

    [Fact]
    public async Task EndedSession_IsRefusedByThePlaneWithinTheCacheTime()
    {
        var ttl = TimeSpan.FromSeconds(1);
        var stack = await StartStackAsync(o => o.Overrides["Plane:DashboardAuthCacheTtl"] = "00:00:01");
        var session = await stack.Dashboard.ReadyTenantAsync();
        var key = (await stack.Dashboard.CreateKeyAsync(session)).FullKey;
        var cookieSession = await stack.Dashboard.LoginAsync(session.Email);

        Assert.Equal(HttpStatusCode.Created, (await CreateOnPlaneAsync(stack, Role.Sandbox, key, session, """{"displayName": "A", "customerId": "a"}""")).Status);
        Assert.Equal(HttpStatusCode.Created, (await CreateOnPlaneAsync(stack, Role.Sandbox, key, cookieSession, """{"displayName": "B", "customerId": "b"}""", Auth.Cookie)).Status);

        foreach (var (ended, auth) in new[] { (session, Auth.Bearer), (cookieSession, Auth.Cookie) })
        {
            Assert.Equal(HttpStatusCode.OK, (await stack.Dashboard.PostAsync("/dashboard/auth/logout", null, ended, auth)).Status);
            var loggedOut = Stopwatch.StartNew();
            // The probe's body lacks displayName: 400 while the plane still trusts its cached answer, 401 once it asks again.
            var refused = await KeyTestKit.EventuallyAsync(
                () => CreateOnPlaneAsync(stack, Role.Sandbox, key, ended, "{}", auth),
                a => a.Status != HttpStatusCode.BadRequest, ttl + TimeSpan.FromSeconds(3), "the ended session refused");
            // The cache time, and a second of slack for the polling on a busy machine.
            Assert.True(loggedOut.Elapsed <= ttl + TimeSpan.FromSeconds(1), $"refused after {loggedOut.Elapsed.TotalMilliseconds} ms");
            Assert.Equal((HttpStatusCode.Unauthorized, "UNAUTHENTICATED"), (refused.Status, refused.Code));
        }

        await using var db = await stack.PlaneDb(Role.Sandbox).OpenAsync(default);
        Assert.Equal(["a", "b"], (await db.QueryAsync<string>("SELECT customer_id FROM customer_profiles")).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ThroughTheControlPlane_LandsOnThePlaneOfTheKeyOrOfTheNamedEnvironment_AndIsAudited()
    {
        var session = await Api.ReadyTenantAsync();
        var stranger = await Api.ReadyTenantAsync();
        var strangerKey = (await Api.CreateKeyAsync(stranger)).FullKey;
        var test = (await Api.CreateKeyAsync(session)).FullKey;
        var before = (Sandbox: await ProfilesAsync(Stack, Role.Sandbox), Production: await ProfilesAsync(Stack, Role.Production));

        // A free tenant: Production is refused before any plane is asked.
        var locked = await Api.SendAsync(HttpMethod.Post, Path + "?environment=production", new { displayName = "Nope" }, session);
        Assert.Equal((HttpStatusCode.Forbidden, "PLAN_UPGRADE_REQUIRED"), (locked.Status, locked.Code));

        await Api.ActivateProductionAsync(session);
        var live = (await Api.CreateKeyAsync(session, "live")).FullKey;

        // The key's environment, with the V3.6 bearer token: the dashboard envelope, Production's plane.
        var byKey = await ControlCreateAsync(session, new { displayName = "Live Co", customerId = "live-co", unitLabel = "calls" }, apiKey: live);
        Assert.Equal(HttpStatusCode.Created, byKey.Status);
        Assert.Equal(201, byKey.Body.GetProperty("statusCode").GetInt32());
        Assert.Equal(("live-co", "production", "calls"), (Str(byKey.Data, "customerId"), Str(byKey.Data, "environment"), Str(byKey.Data, "unitLabel")));
        // By name, with the session cookie (and its CSRF header).
        var byName = await ControlCreateAsync(session, new { displayName = "Test Co", customerId = "test-co" }, auth: Auth.Cookie, query: "?environment=testnet");
        Assert.Equal(("test-co", "sandbox"), (Str(byName.Data, "customerId"), Str(byName.Data, "environment")));
        // Neither: the user's preferred environment (Sandbox until changed), and the X-Environment header of the documentation.
        Assert.Equal("sandbox", Str((await ControlCreateAsync(session, new { displayName = "Default Co", customerId = "default-co" })).Data, "environment"));
        Assert.Equal(HttpStatusCode.OK, (await Api.SendAsync(HttpMethod.Patch, "/dashboard/auth/preferences", new { preferredEnvironment = "production" }, session)).Status);
        Assert.Equal("production", Str((await ControlCreateAsync(session, new { displayName = "Preferred Co", customerId = "preferred-co" })).Data, "environment"));
        Assert.Equal("sandbox", Str((await ControlCreateAsync(session, new { displayName = "Header Co", customerId = "header-co" }, headers: new() { ["X-Environment"] = "sandbox" })).Data, "environment"));

        // On the planes: these and no others (the stack is the class's, so the counts are since the start of this test).
        Assert.Equal(["default-co", "header-co", "test-co"], await IdsAsync(Stack, Role.Sandbox, session.TenantId));
        Assert.Equal(["live-co", "preferred-co"], await IdsAsync(Stack, Role.Production, session.TenantId));
        Assert.Equal((before.Sandbox + 3, before.Production + 2), (await ProfilesAsync(Stack, Role.Sandbox), await ProfilesAsync(Stack, Role.Production)));
        Assert.Equal("Live Co", Str((await Stack.SendAsync(Role.Production, HttpMethod.Get, "/api/v1/balance/customers/live-co", live)).Data, "displayName"));

        // Repeating a create answers 200 and is not audited again; other details are the plane's 409.
        var repeated = await ControlCreateAsync(session, new { displayName = "Live Co", customerId = "live-co", unitLabel = "calls" }, apiKey: live);
        Assert.Equal(HttpStatusCode.OK, repeated.Status);
        var conflict = await ControlCreateAsync(session, new { displayName = "Other", customerId = "live-co" }, apiKey: live);
        Assert.Equal((HttpStatusCode.Conflict, "CUSTOMER_EXISTS", 409), (conflict.Status, conflict.Code, conflict.Body.GetProperty("statusCode").GetInt32()));

        // Refusals: no session, CSRF, a key of another account, a key of another environment than the one named, bad names.
        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.SendAsync(HttpMethod.Post, Path, new { displayName = "X" })).Status);
        Assert.Equal("CSRF_REQUIRED", (await ControlCreateAsync(session, new { displayName = "X" }, auth: Auth.Cookie, csrf: false)).Code);
        var foreignKey = await ControlCreateAsync(session, new { displayName = "X" }, apiKey: strangerKey);
        Assert.Equal((HttpStatusCode.Unauthorized, "UNAUTHENTICATED"), (foreignKey.Status, foreignKey.Code));
        Assert.Equal("INVALID_API_KEY", (await ControlCreateAsync(session, new { displayName = "X" }, apiKey: test[..^3] + "zzz")).Code);
        Assert.Equal(["environment"], (await ControlCreateAsync(session, new { displayName = "X" }, apiKey: test, query: "?environment=production")).DetailFields);
        Assert.Equal(["environment"], (await ControlCreateAsync(session, new { displayName = "X" }, query: "?environment=moon")).DetailFields);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ControlCreateAsync(stranger, new { displayName = "X" }, apiKey: test)).Status);

        await using var control = await Stack.ControlDb.OpenAsync(default);
        var audited = (await control.QueryAsync<(string TargetId, string Origin, string? ActorId, string Details)>(
            "SELECT target_id, origin, actor_id, details FROM audit_log WHERE action = 'customer.created' AND tenant_id = @t ORDER BY at, id",
            new { t = session.TenantId })).ToList();
        Assert.Equal(["live-co", "test-co", "default-co", "preferred-co", "header-co"], audited.Select(a => a.TargetId));
        Assert.All(audited, a => Assert.Equal(("api", session.UserId), (a.Origin, a.ActorId)));
        Assert.Contains("\"environment\":\"production\"", audited[0].Details, StringComparison.Ordinal);
        Assert.Contains("\"displayName\":\"Live Co\"", audited[0].Details, StringComparison.Ordinal);
        Assert.Equal(0, await control.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_log WHERE action = 'customer.created' AND tenant_id = @t", new { t = stranger.TenantId }));
        await using var production = await Stack.PlaneDb(Role.Production).OpenAsync(default);
        Assert.Equal(session.UserId, await production.ExecuteScalarAsync<string>($"SELECT created_by FROM customer_profiles {OfTenant} AND customer_id = 'live-co'", new { t = session.TenantId }));
    }

    [Fact]
    public async Task ThroughTheControlPlane_APlaneThatDoesNotAnswer_Is503AndNothingIsAudited()
    {
        // A stack of its own: it stops a plane.
        var stack = await StartStackAsync();
        var session = await stack.Dashboard.ReadyTenantAsync();
        await stack.StopAsync(Role.Sandbox);

        var answer = await ControlCreateAsync(session, new { displayName = "Down Co", customerId = "down" }, stack: stack);

        Assert.Equal((HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE"), (answer.Status, answer.Code));
        Assert.True(answer.Headers.RetryAfter is not null);
        Assert.Equal(0, await CreatedAuditedAsync(stack));
    }

    private Task<Answer> ControlCreateAsync(Session session, object body, Auth auth = Auth.Bearer, bool csrf = true, string? apiKey = null, string query = "",
        Dictionary<string, string>? headers = null, TestStack? stack = null)
    {
        headers ??= [];
        if (apiKey is not null)
        {
            headers["X-Api-Key"] = apiKey;
        }

        return SendWithHeadersAsync((stack ?? Stack).Dashboard.Http, Path + query, JsonSerializer.Serialize(body), session, auth, csrf, headers, null);
    }

    /// <summary>POST /dashboard/customers on a plane's host, with the key and the session's JWT (or cookie) as given.</summary>
    private static async Task<Answer> CreateOnPlaneAsync(TestStack stack, Role plane, string? key, Session? session, string body, Auth auth = Auth.Bearer,
        bool csrf = true, string? idempotencyKey = null)
    {
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = stack.Url(plane) };
        var headers = new Dictionary<string, string>();
        if (key is not null)
        {
            headers["X-Api-Key"] = key;
        }

        return await SendWithHeadersAsync(http, Path, body, session, auth, csrf, headers, idempotencyKey);
    }

    private static async Task<Answer> SendWithHeadersAsync(HttpClient http, string path, string body, Session? session, Auth auth, bool csrf,
        Dictionary<string, string> headers, string? idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (session is not null && auth == Auth.Bearer)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + session.Token);
        }
        else if (session is not null && auth == Auth.Cookie)
        {
            request.Headers.TryAddWithoutValidation("Cookie", "pacspace_session=" + session.Cookie);
            if (csrf)
            {
                request.Headers.TryAddWithoutValidation("X-Pacspace-CSRF", "1");
            }
        }

        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        using var response = await http.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        Assert.False(string.IsNullOrEmpty(raw), $"{(int)response.StatusCode} with an empty body");
        return new Answer(response.StatusCode, JsonDocument.Parse(raw).RootElement.Clone(), response.Headers, raw);
    }

    private async Task<Answer> GetAsync(string key, string path)
    {
        var answer = await Stack.SendAsync(Role.Sandbox, HttpMethod.Get, path, key);
        Assert.True(answer.Status == HttpStatusCode.OK, $"{path} → {answer}");
        return answer;
    }

    private static JsonElement Single(Answer list, string customerId) =>
        Assert.Single(list.Data.GetProperty("customers").EnumerateArray(), c => c.GetProperty("customerId").GetString() == customerId);

    /// <summary>
    /// The profiles on <paramref name="plane"/> of every tenant: "nothing written" anywhere is this count unchanged since the
    /// test's start (the class's tests share the stack, one at a time).
    /// </summary>
    private static async Task<long> ProfilesAsync(TestStack stack, Role plane)
    {
        await using var db = await stack.PlaneDb(plane).OpenAsync(default);
        return await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM customer_profiles");
    }

    /// <summary>The customer ids with a profile on <paramref name="plane"/> of one tenant.</summary>
    private static async Task<IReadOnlyList<string>> IdsAsync(TestStack stack, Role plane, string tenantId)
    {
        await using var db = await stack.PlaneDb(plane).OpenAsync(default);
        return (await db.QueryAsync<string>($"SELECT customer_id FROM customer_profiles {OfTenant}", new { t = tenantId })).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Creates audited on the control plane, of every tenant.</summary>
    private static async Task<long> CreatedAuditedAsync(TestStack stack)
    {
        await using var control = await stack.ControlDb.OpenAsync(default);
        return await control.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_log WHERE action = 'customer.created'");
    }

    /// <summary>The profiles of tenant <c>@t</c> (a plane keys them by the number of the tenant's log).</summary>
    private const string OfTenant = "WHERE ledger_no = (SELECT ledger_no FROM tenant_ledgers WHERE tenant_id = @t)";

    private static string? Str(JsonElement e, string name) => e.GetProperty(name).GetString();

    private static long Long(JsonElement e, string name) => e.GetProperty(name).GetInt64();
}

public sealed class CustomerScenariosOnSqlite(SharedStacks shared) : CustomerScenarios(Store.Sqlite, null, shared);

[Collection(PostgresCollection.Name)]
public sealed class CustomerScenariosOnPostgres(PostgresServer postgres, SharedStacks shared) : CustomerScenarios(Store.Postgres, postgres, shared);
