using System.Net;
using System.Net.Http.Json;
using Dapper;
using PacSpace.Cli;
using PacSpace.IntegrationTests.Infrastructure;

namespace PacSpace.IntegrationTests.Dashboard;

public abstract class AuthScenarios(Store store, PostgresServer? postgres, SharedStacks shared) : SharedStackTests(store, postgres, shared)
{
    [Fact]
    public async Task Register_V36Body_Returns201WithUserAndTenant()
    {
        var email = DashboardApi.NewEmail("v36");
        var answer = await Api.PostAsync("/dashboard/auth/register",
            new { email, password = DashboardApi.Password, firstName = "Grace", lastName = "Hopper", companyName = "Navy" });

        Assert.Equal(HttpStatusCode.Created, answer.Status);
        Assert.Equal(201, answer.Body.GetProperty("statusCode").GetInt32());
        Assert.True(answer.Body.GetProperty("success").GetBoolean());
        Assert.Contains("verify", answer.Body.GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
        var d = answer.Data;
        Assert.StartsWith("usr_", d.GetProperty("id").GetString());
        Assert.StartsWith("tnt_", d.GetProperty("tenantId").GetString());
        Assert.Equal(email, d.GetProperty("email").GetString());
        Assert.Equal("Grace", d.GetProperty("firstName").GetString());
        Assert.Equal("Hopper", d.GetProperty("lastName").GetString());
        Assert.Equal("Grace Hopper", d.GetProperty("name").GetString());
        Assert.False(d.GetProperty("isVerified").GetBoolean());
        Assert.False(d.TryGetProperty("password", out _));
    }

    [Fact]
    public async Task Register_CurrentBody_Returns201AndFreeTenantWithSandboxActivating()
    {
        var email = DashboardApi.NewEmail("cur");
        var answer = await Api.PostAsync("/dashboard/auth/register",
            new { name = "Ada Lovelace", email, password = DashboardApi.Password, organization = "Analytical", buyerMode = "DIRECT_INFERENCE_VENDOR" });

        Assert.Equal(HttpStatusCode.Created, answer.Status);
        Assert.Equal("Ada", answer.Data.GetProperty("firstName").GetString());
        Assert.Equal("Lovelace", answer.Data.GetProperty("lastName").GetString());
        var tenantId = answer.Data.GetProperty("tenantId").GetString();
        await using var c = await Stack.ControlDb.OpenAsync(default);
        Assert.Equal("free", await c.ExecuteScalarAsync<string>("SELECT plan FROM tenants WHERE id = @tenantId", new { tenantId }));
        Assert.Equal("Analytical", await c.ExecuteScalarAsync<string>("SELECT name FROM tenants WHERE id = @tenantId", new { tenantId }));
        var sandbox = await c.ExecuteScalarAsync<string>("SELECT status FROM environments WHERE tenant_id = @tenantId AND environment = 'sandbox'", new { tenantId });
        Assert.Contains(sandbox, new[] { "activating", "active" });
        Assert.Equal("none", await c.ExecuteScalarAsync<string>("SELECT status FROM environments WHERE tenant_id = @tenantId AND environment = 'production'", new { tenantId }));
    }

    public static TheoryData<string, string, string> BadRegistrations => new()
    {
        { "{\"email\":", "application/json", "body" },
        { "[1,2]", "application/json", "body" },
        { "{\"name\":\"A B\",\"password\":\"correct-horse-9\"}", "application/json", "email" },
        { "{\"name\":\"A B\",\"email\":\"x@example.com\"}", "application/json", "password" },
        { "{\"name\":\"A B\",\"email\":\"x@example.com\",\"password\":\"short\"}", "application/json", "password" },
        { "{\"name\":\"A B\",\"email\":\"not-an-email\",\"password\":\"correct-horse-9\"}", "application/json", "email" },
        { "{\"name\":42,\"email\":\"x@example.com\",\"password\":\"correct-horse-9\"}", "application/json", "name" },
        { "{\"email\":\"x@example.com\",\"password\":\"correct-horse-9\"}", "application/json", "firstName" },
        { "{\"email\":\"x@example.com\",\"password\":12345678901,\"firstName\":\"A\",\"lastName\":\"B\"}", "application/json", "password" },
        { "{\"email\":\"x@example.com\",\"password\":\"correct-horse-9\",\"firstName\":\"A\",\"lastName\":\"B\",\"companyName\":{}}", "application/json", "companyName" },
    };

    [Theory]
    [MemberData(nameof(BadRegistrations))]
    public async Task Register_BadBody_Returns400NamingFieldAndCreatesNothing(string body, string contentType, string field)
    {
        var before = await CountsAsync();

        var answer = await Api.SendAsync(HttpMethod.Post, "/dashboard/auth/register", rawBody: body, contentType: contentType);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("VALIDATION_ERROR", answer.Code);
        Assert.Contains(field, answer.DetailFields);
        Assert.False(answer.Body.GetProperty("success").GetBoolean());
        Assert.Equal(400, answer.Body.GetProperty("statusCode").GetInt32());
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task Register_NotJson_Returns415()
    {
        var answer = await Api.SendAsync(HttpMethod.Post, "/dashboard/auth/register", rawBody: "email=a@b.c", contentType: "application/x-www-form-urlencoded");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, answer.Status);
        Assert.Equal("UNSUPPORTED_MEDIA_TYPE", answer.Code);
    }

    [Fact]
    public async Task Login_HashFromAnOlderWorkFactor_UpgradedAtLogin()
    {
        var session = await Api.SignUpAsync();
        var older = new Microsoft.AspNetCore.Identity.PasswordHasher<object>(Microsoft.Extensions.Options.Options.Create(
            new Microsoft.AspNetCore.Identity.PasswordHasherOptions { IterationCount = 100_000 })).HashPassword(new object(), DashboardApi.Password);
        await using var c = await Stack.ControlDb.OpenAsync(default);
        await c.ExecuteAsync("UPDATE users SET password_hash = @older WHERE email = @email", new { older, email = session.Email });

        var first = await Api.PostAsync("/dashboard/auth/login", new { email = session.Email, password = DashboardApi.Password });
        var stored = await c.ExecuteScalarAsync<string>("SELECT password_hash FROM users WHERE email = @email", new { email = session.Email });
        var second = await Api.PostAsync("/dashboard/auth/login", new { email = session.Email, password = DashboardApi.Password });

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.NotEqual(older, stored);
        Assert.Equal(210_000, Iterations(stored!));
        Assert.Equal(HttpStatusCode.OK, second.Status);
    }

    // Identity's v3 format: marker byte 0x01, then PRF, iteration count and salt length as big-endian uint32.
    private static int Iterations(string hash) => (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(Convert.FromBase64String(hash).AsSpan(5, 4));

    [Fact]
    public async Task Register_BodyOver1MiB_Returns413AndCreatesNothing()
    {
        var before = await CountsAsync();
        var huge = "{\"name\":\"" + new string('a', 1_100_000) + "\"}";

        var answer = await Api.SendAsync(HttpMethod.Post, "/dashboard/auth/register", rawBody: huge, expectContinue: true);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, answer.Status);
        Assert.Equal("PAYLOAD_TOO_LARGE", answer.Code);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task Verify_GetRouteForApiClients_VerifiesOnceThenInvalidToken()
    {
        var email = DashboardApi.NewEmail();
        await Api.RegisterAsync(email);
        var token = DashboardApi.TokenOf(await Api.VerificationLinkAsync(email));

        var first = await Api.GetAsync("/dashboard/auth/verify?token=" + Uri.EscapeDataString(token));
        var second = await Api.GetAsync("/dashboard/auth/verify?token=" + Uri.EscapeDataString(token));
        var unknown = await Api.GetAsync("/dashboard/auth/verify?token=nope");

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal("Email verified successfully.", first.Body.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, second.Status);
        Assert.Equal("INVALID_TOKEN", second.Code);
        Assert.Equal("INVALID_TOKEN", unknown.Code);
    }

    [Fact]
    public async Task ResendVerification_AnyAddress_SameAnswerAndNewMailOnlyForUnverified()
    {
        var email = DashboardApi.NewEmail();
        await Api.RegisterAsync(email);
        var firstLink = await Api.VerificationLinkAsync(email);

        var known = await Api.PostAsync("/dashboard/auth/resend-verification", new { email });
        var unknown = await Api.PostAsync("/dashboard/auth/resend-verification", new { email = DashboardApi.NewEmail("ghost") });
        var bad = await Api.PostAsync("/dashboard/auth/resend-verification", new { email = 7 });

        Assert.Equal(HttpStatusCode.OK, known.Status);
        Assert.Equal(HttpStatusCode.OK, unknown.Status);
        Assert.Equal(known.Body.GetProperty("message").GetString(), unknown.Body.GetProperty("message").GetString());
        Assert.Equal("VALIDATION_ERROR", bad.Code);
        // Times out (and fails) unless a second mail with another link arrives.
        var newLink = await Api.NextVerificationLinkAsync(email, firstLink);
        Assert.NotEqual(firstLink, newLink);
        Assert.Equal(HttpStatusCode.OK, (await Api.PostAsync("/dashboard/auth/verify", new { token = DashboardApi.TokenOf(newLink) })).Status);
    }

    [Fact]
    public async Task Login_Unverified_Returns403EmailNotVerified()
    {
        var email = DashboardApi.NewEmail();
        await Api.RegisterAsync(email);

        var answer = await Api.PostAsync("/dashboard/auth/login", new { email, password = DashboardApi.Password });

        Assert.Equal(HttpStatusCode.Forbidden, answer.Status);
        Assert.Equal("EMAIL_NOT_VERIFIED", answer.Code);
    }

    [Fact]
    public async Task Login_WrongPasswordOrUnknownEmail_SameInvalidCredentials()
    {
        var session = await Api.SignUpAsync();

        var wrong = await Api.PostAsync("/dashboard/auth/login", new { email = session.Email, password = "wrong-password-1" });
        var unknown = await Api.PostAsync("/dashboard/auth/login", new { email = DashboardApi.NewEmail("nobody"), password = "wrong-password-1" });

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        Assert.Equal("INVALID_CREDENTIALS", wrong.Code);
        Assert.Equal(wrong.Raw, unknown.Raw);
    }

    [Fact]
    public async Task Login_Success_ReturnsJwtAndHttpOnlyLaxCookieForOneSession()
    {
        var email = DashboardApi.NewEmail();
        await Api.RegisterAsync(email);
        await Api.VerifyEmailAsync(email);

        var answer = await Api.PostAsync("/dashboard/auth/login", new { email, password = DashboardApi.Password });

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var d = answer.Data;
        Assert.Equal(d.GetProperty("accessToken").GetString(), d.GetProperty("token").GetString());
        Assert.Equal(3, d.GetProperty("accessToken").GetString()!.Split('.').Length);
        Assert.True(DateTimeOffset.Parse(d.GetProperty("expiresAt").GetString()!) > DateTimeOffset.UtcNow.AddHours(23));
        var user = d.GetProperty("user");
        foreach (var field in new[] { "id", "email", "firstName", "lastName", "name", "role", "tenantId", "isVerified", "preferredEnvironment" })
        {
            Assert.True(user.TryGetProperty(field, out _), field);
        }

        Assert.Equal("sandbox", user.GetProperty("preferredEnvironment").GetString());
        Assert.True(user.GetProperty("isVerified").GetBoolean());
        var cookie = answer.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("pacspace_session=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("httponly", cookie);
        Assert.Contains("samesite=lax", cookie);
        Assert.Contains("path=/", cookie);
    }

    [Theory]
    [InlineData(null, false, "127.0.0.1")]
    [InlineData("127.0.0.1", true, "203.0.113.7")]
    public async Task Login_BehindProxy_ForwardedHeadersBelievedOnlyFromConfiguredProxies(string? proxy, bool secure, string address)
    {
        var stack = proxy is null ? Stack : await StartStackAsync(o => o.Overrides["ForwardedHeaders:KnownProxies:0"] = proxy);
        var email = DashboardApi.NewEmail();
        await stack.Dashboard.SignUpAsync(email);
        using var client = new HttpClient { BaseAddress = stack.Local.Url(Role.Dashboard) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/dashboard/auth/login")
        {
            Content = JsonContent.Create(new { email, password = DashboardApi.Password }),
        };
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        request.Headers.Add("X-Forwarded-Proto", "https");

        using var answer = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var cookie = answer.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("pacspace_session=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Equal(secure, cookie.Contains("; secure", StringComparison.Ordinal));
        await using var c = await stack.ControlDb.OpenAsync(default);
        var ip = await c.ExecuteScalarAsync<string>(
            "SELECT s.ip FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = @email ORDER BY s.created_at DESC LIMIT 1", new { email });
        Assert.Equal(address, ip);
    }

    [Fact]
    public async Task ChangePassword_CurrentGiven_NewWorksOldDoesNotAndOtherSessionsEnd()
    {
        var email = DashboardApi.NewEmail();
        var here = await Api.SignUpAsync(email);
        var elsewhere = await Api.LoginAsync(email);
        const string NewPassword = "a-new-horse-battery-7";

        var wrong = await Api.PostAsync("/dashboard/auth/password", new { currentPassword = "not-it-at-all", newPassword = NewPassword }, here, Auth.Cookie);
        var same = await Api.PostAsync("/dashboard/auth/password", new { currentPassword = DashboardApi.Password, newPassword = DashboardApi.Password }, here, Auth.Cookie);
        var changed = await Api.PostAsync("/dashboard/auth/password", new { currentPassword = DashboardApi.Password, newPassword = NewPassword }, here, Auth.Cookie);

        Assert.Equal((HttpStatusCode.BadRequest, "VALIDATION_ERROR"), (wrong.Status, wrong.Code));
        Assert.Equal(["currentPassword"], wrong.DetailFields);
        Assert.Equal(["newPassword"], same.DetailFields);
        Assert.Equal(HttpStatusCode.OK, changed.Status);
        Assert.Equal(1, changed.Data.GetProperty("otherSessionsEnded").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await Api.GetAsync("/dashboard/auth/me", here, Auth.Cookie)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.GetAsync("/dashboard/auth/me", elsewhere)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.PostAsync("/dashboard/auth/login", new { email, password = DashboardApi.Password })).Status);
        Assert.Equal(HttpStatusCode.OK, (await Api.PostAsync("/dashboard/auth/login", new { email, password = NewPassword })).Status);
        var audit = await Api.GetAsync("/dashboard/audit-log", here, Auth.Cookie);
        Assert.Contains(audit.Data.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "password.changed");
    }

    [Fact]
    public async Task LogoutEverywhere_TwoSessions_BothCookieAndTokenStopAtOnce()
    {
        var email = DashboardApi.NewEmail();
        var first = await Api.SignUpAsync(email);
        var second = await Api.LoginAsync(email);

        var answer = await Api.PostAsync("/dashboard/auth/logout-all", null, first);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(2, answer.Data.GetProperty("sessionsEnded").GetInt32());
        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.GetAsync("/dashboard/auth/me", first)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.GetAsync("/dashboard/auth/me", first, Auth.Cookie)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.GetAsync("/dashboard/auth/me", second)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.GetAsync("/dashboard/auth/me", second, Auth.Cookie)).Status);
    }

    [Fact]
    public async Task Me_BearerAndCookie_ReturnSameUserWithTenant()
    {
        var session = await Api.SignUpAsync();

        var viaBearer = await Api.GetAsync("/dashboard/auth/me", session, Auth.Bearer);
        var viaCookie = await Api.GetAsync("/dashboard/auth/me", session, Auth.Cookie);

        Assert.Equal(HttpStatusCode.OK, viaBearer.Status);
        Assert.Equal(viaBearer.Raw, viaCookie.Raw);
        var tenant = viaBearer.Data.GetProperty("tenant");
        Assert.Equal(session.TenantId, tenant.GetProperty("id").GetString());
        Assert.Equal("free", tenant.GetProperty("plan").GetString());
        Assert.Equal("Analytical Engines", tenant.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Logout_EndsSessionForCookieAndJwtButNotOtherSessions()
    {
        var session = await Api.SignUpAsync();
        var other = await Api.LoginAsync(session.Email);

        var logout = await Api.PostAsync("/dashboard/auth/logout", null, session, Auth.Cookie);

        Assert.Equal(HttpStatusCode.OK, logout.Status);
        var cookieMe = await Api.GetAsync("/dashboard/auth/me", session, Auth.Cookie);
        var bearerMe = await Api.GetAsync("/dashboard/auth/me", session, Auth.Bearer);
        Assert.Equal(HttpStatusCode.Unauthorized, cookieMe.Status);
        Assert.Equal("SESSION_EXPIRED", cookieMe.Code);
        Assert.Equal(HttpStatusCode.Unauthorized, bearerMe.Status);
        Assert.Equal(HttpStatusCode.OK, (await Api.GetAsync("/dashboard/auth/me", other)).Status);
    }

    [Fact]
    public async Task ProtectedRoutes_WithoutOrWithForgedCredentials_Return401()
    {
        var routes = new (HttpMethod, string)[]
        {
            (HttpMethod.Get, "/dashboard/auth/me"),
            (HttpMethod.Patch, "/dashboard/auth/preferences"),
            (HttpMethod.Post, "/dashboard/auth/logout"),
            (HttpMethod.Get, "/dashboard/environments"),
            (HttpMethod.Get, "/dashboard/environments/environment-status"),
            (HttpMethod.Post, "/dashboard/environments/provision"),
            (HttpMethod.Get, "/dashboard/contracts"),
            (HttpMethod.Post, "/dashboard/contracts/provision"),
            (HttpMethod.Get, "/dashboard/contracts/tnt_x/status"),
            (HttpMethod.Get, "/dashboard/billing/plan"),
            (HttpMethod.Post, "/dashboard/billing/plan"),
        };
        var forged = new Session("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl", "not-a-session", "", "", "");
        foreach (var (method, path) in routes)
        {
            var none = await Api.SendAsync(method, path, new { environment = "sandbox" });
            var badJwt = await Api.SendAsync(method, path, new { environment = "sandbox" }, forged, Auth.Bearer);
            var badCookie = await Api.SendAsync(method, path, new { environment = "sandbox" }, forged, Auth.Cookie);
            Assert.True(none.Status == HttpStatusCode.Unauthorized && none.Code == "UNAUTHENTICATED", $"{method} {path}: {none}");
            Assert.True(badJwt.Status == HttpStatusCode.Unauthorized, $"{method} {path}: {badJwt}");
            Assert.True(badCookie.Status == HttpStatusCode.Unauthorized, $"{method} {path}: {badCookie}");
        }
    }

    [Fact]
    public async Task CookieWrites_WithoutCsrfHeader_Return403AndChangeNothing()
    {
        var session = await Api.SignUpAsync();
        var writes = new (HttpMethod, string, object)[]
        {
            (HttpMethod.Patch, "/dashboard/auth/preferences", new { preferredEnvironment = "sandbox" }),
            (HttpMethod.Post, "/dashboard/billing/plan", new { tier = "pilot" }),
            (HttpMethod.Post, "/dashboard/environments/provision", new { environment = "sandbox" }),
            (HttpMethod.Post, "/dashboard/contracts/provision", new { environment = "testnet" }),
            (HttpMethod.Post, "/dashboard/auth/logout", new { }),
        };
        foreach (var (method, path, body) in writes)
        {
            var answer = await Api.SendAsync(method, path, body, session, Auth.Cookie, csrf: false);
            Assert.True(answer.Status == HttpStatusCode.Forbidden && answer.Code == "CSRF_REQUIRED", $"{method} {path}: {answer}");
        }

        // Nothing happened: still free, still logged in. Bearer clients need no CSRF header; GETs neither.
        var plan = await Api.GetAsync("/dashboard/billing/plan", session, Auth.Cookie);
        Assert.Equal("free", plan.Data.GetProperty("tier").GetString());
        var bearerWrite = await Api.SendAsync(HttpMethod.Patch, "/dashboard/auth/preferences", new { preferredEnvironment = "sandbox" }, session, Auth.Bearer);
        Assert.Equal(HttpStatusCode.OK, bearerWrite.Status);
        var cookieWrite = await Api.SendAsync(HttpMethod.Patch, "/dashboard/auth/preferences", new { preferredEnvironment = "sandbox" }, session, Auth.Cookie, csrf: true);
        Assert.Equal(HttpStatusCode.OK, cookieWrite.Status);
    }

    [Fact]
    public async Task Login_RepeatedFailures_Returns429WithRetryAfterEvenForRightPassword()
    {
        var session = await Api.SignUpAsync();
        Answer? last = null;
        for (var i = 0; i < 5; i++)
        {
            last = await Api.PostAsync("/dashboard/auth/login", new { email = session.Email, password = "wrong-password-" + i });
        }

        var waiting = await Api.PostAsync("/dashboard/auth/login", new { email = session.Email, password = DashboardApi.Password });

        // The fifth failure is still answered as a failure; the attempt after it must wait, even with the right password.
        Assert.Equal(HttpStatusCode.Unauthorized, last!.Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, waiting.Status);
        Assert.Equal("TOO_MANY_ATTEMPTS", waiting.Code);
        var retryAfter = int.Parse(waiting.Headers.GetValues("Retry-After").Single());
        Assert.InRange(retryAfter, 1, 2);
        Assert.Equal(retryAfter, waiting.Body.GetProperty("error").GetProperty("retryAfterSeconds").GetInt32());
    }

    [Fact]
    public async Task Login_TooManyRequestsFromOneAddress_Returns429_PageViewsDoNotCount()
    {
        await using var strict = await StartStackAsync(o => o.Overrides["Auth:LoginRequestsPerMinutePerIp"] = "3");
        using var browser = new HttpClient { BaseAddress = strict.Url(Role.Dashboard) };
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/login")).StatusCode);
        }

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await strict.Dashboard.PostAsync("/dashboard/auth/login", new { email = DashboardApi.NewEmail(), password = "whatever-123" })).Status);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
        // The form shares the address's limit with the API: once the attempts are used up, it is refused too.
        var form = await browser.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = DashboardApi.NewEmail(), ["password"] = "whatever-123" }));
        Assert.Equal(HttpStatusCode.TooManyRequests, form.StatusCode);
    }

    [Fact]
    public async Task Preferences_BadBodies_Return400NamingFieldAndKeepPreference()
    {
        var session = await Api.SignUpAsync();
        var bodies = new[] { "{\"preferredEnvironment\":\"staging\"}", "{\"preferredEnvironment\":1}", "{}", "{\"preferredEnvironment\":", "\"production\"" };
        foreach (var body in bodies)
        {
            var answer = await Api.SendAsync(HttpMethod.Patch, "/dashboard/auth/preferences", session: session, rawBody: body);
            Assert.True(answer.Status == HttpStatusCode.BadRequest && answer.Code == "VALIDATION_ERROR", $"{body}: {answer}");
        }

        var staging = await Api.SendAsync(HttpMethod.Patch, "/dashboard/auth/preferences", session: session, rawBody: "{\"preferredEnvironment\":\"staging\"}");
        Assert.Contains("preferredEnvironment", staging.DetailFields);
        Assert.Contains("sandbox, production", staging.Raw);
        Assert.Equal("sandbox", (await Api.GetAsync("/dashboard/auth/me", session)).Data.GetProperty("preferredEnvironment").GetString());
    }

    [Fact]
    public async Task Register_ApprovalMode_NeedsSingleUseTokenFromOperator()
    {
        await using var gated = await StartStackAsync(o => o.Overrides["Auth:RegistrationMode"] = "Approval");
        var api = gated.Dashboard;
        var email = DashboardApi.NewEmail("gated");
        var before = await CountsAsync(gated);

        var refused = await api.RegisterAsync(email);
        var request = await api.PostAsync("/dashboard/auth/request-access", new { name = "Ada", email, organization = "Org", useCase = "metering" });
        var requestAgain = await api.PostAsync("/dashboard/auth/request-access", new { name = "Ada", email, organization = "Org" });

        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Equal("REGISTRATION_REQUIRES_APPROVAL", refused.Code);
        Assert.Equal(before, await CountsAsync(gated));
        Assert.Equal(HttpStatusCode.Accepted, request.Status);
        Assert.Equal(request.Raw, requestAgain.Raw);

        var exit = await RunCliAsync(gated, "access", "approve", email);
        Assert.Equal(0, exit.Code);
        var token = exit.Output.Trim().Split(' ').Last();

        var wrongEmail = await api.PostAsync("/dashboard/auth/register", new { name = "Eve", email = DashboardApi.NewEmail("eve"), password = DashboardApi.Password, organization = "X", approvalToken = token });
        var ok = await api.PostAsync("/dashboard/auth/register", new { name = "Ada", email, password = DashboardApi.Password, organization = "Org", approvalToken = token });
        var reuse = await api.PostAsync("/dashboard/auth/register", new { name = "Ada", email = email.Replace("gated", "gated2"), password = DashboardApi.Password, organization = "Org", approvalToken = token });

        Assert.Equal("INVALID_TOKEN", wrongEmail.Code);
        Assert.Equal(HttpStatusCode.Created, ok.Status);
        Assert.Equal(HttpStatusCode.BadRequest, reuse.Status);
    }

    protected Task<(long Users, long Tenants, long Environments)> CountsAsync() => CountsAsync(Stack);

    protected static async Task<(long Users, long Tenants, long Environments)> CountsAsync(TestStack stack)
    {
        await using var c = await stack.ControlDb.OpenAsync(default);
        return (await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM users"),
            await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM tenants"),
            await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM environments"));
    }

    internal static async Task<(int Code, string Output)> RunCliAsync(TestStack stack, params string[] args)
    {
        var all = args.Concat(new[] { "--data", stack.DataDirectory }).ToList();
        if (stack.Local.Options.Database is { } db)
        {
            all.AddRange(["--database", db]);
        }

        return await CliRunner.RunAsync(all.ToArray());
    }
}

public sealed class AuthScenariosOnSqlite(SharedStacks shared) : AuthScenarios(Store.Sqlite, null, shared);

[Collection(PostgresCollection.Name)]
public sealed class AuthScenariosOnPostgres(PostgresServer postgres, SharedStacks shared) : AuthScenarios(Store.Postgres, postgres, shared);
