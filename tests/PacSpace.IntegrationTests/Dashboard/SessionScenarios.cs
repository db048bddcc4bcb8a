using System.Net;
using System.Text.Json;
using Dapper;
using PacSpace.IntegrationTests.Infrastructure;

namespace PacSpace.IntegrationTests.Dashboard;

/// <summary><c>GET /dashboard/auth/sessions</c> and <c>DELETE /dashboard/auth/sessions/{id}</c>, with both kinds of credentials.</summary>
public abstract class SessionScenarios(Store store, PostgresServer? postgres, SharedStacks shared) : SharedStackTests(store, postgres, shared)
{
    private const string Laptop = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    private const string Phone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

    [Fact]
    public async Task ListSessions_TwoLogins_BothNewestFirstWithUserAgentsAndCurrentMarked()
    {
        var email = await VerifiedAccountAsync();
        var laptop = await Api.LoginAsync(email, userAgent: Laptop);
        var phone = await Api.LoginAsync(email, userAgent: Phone);

        var fromLaptop = await Api.GetAsync("/dashboard/auth/sessions", laptop, Auth.Bearer);
        var fromPhone = await Api.GetAsync("/dashboard/auth/sessions", phone, Auth.Cookie);

        Assert.Equal(HttpStatusCode.OK, fromLaptop.Status);
        var listed = fromLaptop.Data.GetProperty("sessions").EnumerateArray().ToList();
        Assert.Equal([Phone, Laptop], listed.Select(s => s.GetProperty("userAgent").GetString()));
        Assert.Equal([false, true], listed.Select(s => s.GetProperty("current").GetBoolean()));
        Assert.All(listed, s =>
        {
            Assert.StartsWith("ses_", s.GetProperty("id").GetString(), StringComparison.Ordinal);
            Assert.Equal("127.0.0.1", s.GetProperty("ipAddress").GetString());
            var created = s.GetProperty("createdAt").GetDateTimeOffset();
            Assert.InRange(created, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
            Assert.True(s.GetProperty("expiresAt").GetDateTimeOffset() > created.AddHours(23));
            Assert.True(s.GetProperty("lastUsedAt").GetDateTimeOffset() >= created);
        });

        // The other credentials see the same sessions, with the other one marked as theirs.
        var phoneListed = fromPhone.Data.GetProperty("sessions").EnumerateArray().ToList();
        Assert.Equal(listed.Select(s => s.GetProperty("id").GetString()), phoneListed.Select(s => s.GetProperty("id").GetString()));
        Assert.Equal([true, false], phoneListed.Select(s => s.GetProperty("current").GetBoolean()));
    }

    [Fact]
    public async Task ListSessions_OnlyOwnOpenSessions_NotEndedOrExpiredOrAnotherUsers()
    {
        var email = await VerifiedAccountAsync();
        var kept = await Api.LoginAsync(email, userAgent: "kept/1");
        var loggedOut = await Api.LoginAsync(email, userAgent: "logged-out/1");
        var expired = await Api.LoginAsync(email, userAgent: "expired/1");
        var stranger = await Api.SignUpAsync();
        Assert.Equal(HttpStatusCode.OK, (await Api.PostAsync("/dashboard/auth/logout", null, loggedOut)).Status);
        await using (var c = await Stack.ControlDb.OpenAsync(default))
        {
            await c.ExecuteAsync("UPDATE sessions SET expires_at = 1 WHERE user_agent = 'expired/1' AND user_id = @id", new { id = expired.UserId });
        }

        var answer = await Api.GetAsync("/dashboard/auth/sessions", kept);

        var listed = Assert.Single(answer.Data.GetProperty("sessions").EnumerateArray());
        Assert.Equal("kept/1", listed.GetProperty("userAgent").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.GetAsync("/dashboard/auth/me", expired)).Status);
        Assert.Single((await Api.GetAsync("/dashboard/auth/sessions", stranger)).Data.GetProperty("sessions").EnumerateArray());
    }

    [Fact]
    public async Task Login_UserAgentMissingOrHuge_NullOrClippedTo256Characters()
    {
        var email = await VerifiedAccountAsync();
        var huge = "Agent/1.0 " + new string('x', 2_000);
        var plain = await Api.LoginAsync(email);
        await Api.LoginAsync(email, userAgent: huge);

        var listed = (await Api.GetAsync("/dashboard/auth/sessions", plain)).Data.GetProperty("sessions").EnumerateArray().ToList();

        Assert.Equal(huge[..256], listed[0].GetProperty("userAgent").GetString());
        Assert.Equal(JsonValueKind.Null, listed[1].GetProperty("userAgent").ValueKind);
    }

    [Theory]
    [InlineData(Auth.Bearer)]
    [InlineData(Auth.Cookie)]
    public async Task EndSession_OtherSession_ItsTokenAndCookieAnswer401AndItLeavesTheList(Auth auth)
    {
        var email = await VerifiedAccountAsync();
        var here = await Api.LoginAsync(email, userAgent: Laptop);
        var other = await Api.LoginAsync(email, userAgent: Phone);
        var otherId = await IdOfAsync(here, Phone);

        var ended = await Api.SendAsync(HttpMethod.Delete, $"/dashboard/auth/sessions/{otherId}", session: here, auth: auth);

        Assert.Equal(HttpStatusCode.OK, ended.Status);
        Assert.Equal(otherId, ended.Data.GetProperty("id").GetString());
        Assert.False(ended.Data.GetProperty("current").GetBoolean());
        Assert.DoesNotContain(ended.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : Array.Empty<string>(), c => c.StartsWith("pacspace_session=", StringComparison.Ordinal));
        var otherBearer = await Api.GetAsync("/dashboard/auth/me", other, Auth.Bearer);
        var otherCookie = await Api.GetAsync("/dashboard/auth/me", other, Auth.Cookie);
        Assert.Equal((HttpStatusCode.Unauthorized, "SESSION_EXPIRED"), (otherBearer.Status, otherBearer.Code));
        Assert.Equal((HttpStatusCode.Unauthorized, "SESSION_EXPIRED"), (otherCookie.Status, otherCookie.Code));
        var listed = (await Api.GetAsync("/dashboard/auth/sessions", here, auth)).Data.GetProperty("sessions").EnumerateArray().ToList();
        Assert.Equal([Laptop], listed.Select(s => s.GetProperty("userAgent").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await Api.GetAsync("/dashboard/auth/me", here, auth)).Status);

        var audit = (await Api.GetAsync("/dashboard/audit-log", here)).Data.GetProperty("items").EnumerateArray().ToList();
        var entry = Assert.Single(audit, e => e.GetProperty("action").GetString() == "session.revoked");
        Assert.Equal(otherId, entry.GetProperty("targetId").GetString());
        Assert.Equal(Phone, entry.GetProperty("details").GetProperty("userAgent").GetString());
        Assert.False(entry.GetProperty("details").GetProperty("current").GetBoolean());
        Assert.Equal(here.UserId, entry.GetProperty("actor").GetProperty("userId").GetString());
    }

    [Fact]
    public async Task EndSession_AnotherUsersSession_Returns404LikeAnUnknownIdAndThatSessionStillWorks()
    {
        var attacker = await Api.SignUpAsync();
        var victimEmail = await VerifiedAccountAsync();
        var victim = await Api.LoginAsync(victimEmail, userAgent: Phone);
        var victimId = await IdOfAsync(victim, Phone);

        var viaBearer = await Api.SendAsync(HttpMethod.Delete, $"/dashboard/auth/sessions/{victimId}", session: attacker, auth: Auth.Bearer);
        var viaCookie = await Api.SendAsync(HttpMethod.Delete, $"/dashboard/auth/sessions/{victimId}", session: attacker, auth: Auth.Cookie);
        var unknown = await Api.SendAsync(HttpMethod.Delete, "/dashboard/auth/sessions/ses_00000000000000000000000000", session: attacker);

        Assert.Equal((HttpStatusCode.NotFound, "NOT_FOUND"), (viaBearer.Status, viaBearer.Code));
        Assert.Equal((HttpStatusCode.NotFound, "NOT_FOUND"), (viaCookie.Status, viaCookie.Code));
        Assert.Equal(unknown.Raw, viaBearer.Raw);
        Assert.Equal(HttpStatusCode.OK, (await Api.GetAsync("/dashboard/auth/me", victim, Auth.Bearer)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Api.GetAsync("/dashboard/auth/me", victim, Auth.Cookie)).Status);
        Assert.Equal(victimId, await IdOfAsync(victim, Phone));
        var audit = await Api.GetAsync("/dashboard/audit-log", victim);
        Assert.DoesNotContain(audit.Data.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "session.revoked");
    }

    [Fact]
    public async Task EndSession_UnknownOrAlreadyEndedId_Returns404()
    {
        var email = await VerifiedAccountAsync();
        var here = await Api.LoginAsync(email, userAgent: Laptop);
        await Api.LoginAsync(email, userAgent: Phone);
        var otherId = await IdOfAsync(here, Phone);

        var unknown = await Api.SendAsync(HttpMethod.Delete, "/dashboard/auth/sessions/nope", session: here);
        var first = await Api.SendAsync(HttpMethod.Delete, $"/dashboard/auth/sessions/{otherId}", session: here);
        var again = await Api.SendAsync(HttpMethod.Delete, $"/dashboard/auth/sessions/{otherId}", session: here);

        Assert.Equal((HttpStatusCode.NotFound, "NOT_FOUND"), (unknown.Status, unknown.Code));
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal((HttpStatusCode.NotFound, "NOT_FOUND"), (again.Status, again.Code));
    }

    [Fact]
    public async Task EndSession_CookieWithoutCsrfHeader_Returns403AndSessionStaysOpen()
    {
        var email = await VerifiedAccountAsync();
        var here = await Api.LoginAsync(email, userAgent: Laptop);
        var other = await Api.LoginAsync(email, userAgent: Phone);
        var otherId = await IdOfAsync(here, Phone);

        var refused = await Api.SendAsync(HttpMethod.Delete, $"/dashboard/auth/sessions/{otherId}", session: here, auth: Auth.Cookie, csrf: false);

        Assert.Equal((HttpStatusCode.Forbidden, "CSRF_REQUIRED"), (refused.Status, refused.Code));
        Assert.Equal(HttpStatusCode.OK, (await Api.GetAsync("/dashboard/auth/me", other)).Status);
        Assert.Equal(2, (await Api.GetAsync("/dashboard/auth/sessions", here)).Data.GetProperty("sessions").GetArrayLength());
        var allowed = await Api.SendAsync(HttpMethod.Delete, $"/dashboard/auth/sessions/{otherId}", session: here, auth: Auth.Cookie, csrf: true);
        Assert.Equal(HttpStatusCode.OK, allowed.Status);
    }

    [Fact]
    public async Task EndSession_CurrentSessionByCookie_EndsItAndDeletesTheCookie()
    {
        var email = await VerifiedAccountAsync();
        var here = await Api.LoginAsync(email, userAgent: Laptop);
        var other = await Api.LoginAsync(email, userAgent: Phone);
        var hereId = await IdOfAsync(here, Laptop);

        var ended = await Api.SendAsync(HttpMethod.Delete, $"/dashboard/auth/sessions/{hereId}", session: here, auth: Auth.Cookie);

        Assert.Equal(HttpStatusCode.OK, ended.Status);
        Assert.True(ended.Data.GetProperty("current").GetBoolean());
        var cookie = ended.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("pacspace_session=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.StartsWith("pacspace_session=;", cookie, StringComparison.Ordinal);
        Assert.Contains("expires=thu, 01 jan 1970", cookie, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.GetAsync("/dashboard/auth/me", here, Auth.Cookie)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.GetAsync("/dashboard/auth/me", here, Auth.Bearer)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Api.GetAsync("/dashboard/auth/me", other)).Status);
    }

    [Fact]
    public async Task Sessions_WithoutCredentials_Return401()
    {
        var list = await Api.GetAsync("/dashboard/auth/sessions");
        var end = await Api.SendAsync(HttpMethod.Delete, "/dashboard/auth/sessions/ses_x");

        Assert.Equal((HttpStatusCode.Unauthorized, "UNAUTHENTICATED"), (list.Status, list.Code));
        Assert.Equal((HttpStatusCode.Unauthorized, "UNAUTHENTICATED"), (end.Status, end.Code));
    }

    [Fact]
    public async Task OpenApi_Document_DescribesBothSessionRoutesWithTheirOwnAnswerSchemas()
    {
        using var doc = JsonDocument.Parse(await Api.Http.GetStringAsync("/openapi/v1.json"));
        var root = doc.RootElement;
        var paths = root.GetProperty("paths");

        var list = Answer(root, paths.GetProperty("/dashboard/auth/sessions").GetProperty("get"));
        var end = Answer(root, paths.GetProperty("/dashboard/auth/sessions/{id}").GetProperty("delete"));
        var password = Answer(root, paths.GetProperty("/dashboard/auth/password").GetProperty("post"));
        var everywhere = Answer(root, paths.GetProperty("/dashboard/auth/logout-all").GetProperty("post"));

        Assert.Equal(["sessions"], Names(list));
        Assert.Equal(["current", "endedAt", "id"], Names(end));
        Assert.Equal(["otherSessionsEnded"], Names(password));
        Assert.Equal(["sessionsEnded"], Names(everywhere));
        var item = list.GetProperty("properties").GetProperty("sessions").GetProperty("items");
        var view = root.GetProperty("components").GetProperty("schemas").GetProperty(item.GetProperty("$ref").GetString()!.Split('/')[^1]);
        Assert.Equal(["createdAt", "current", "expiresAt", "id", "ipAddress", "lastUsedAt", "userAgent"], Names(view));
    }

    /// <summary>The schema of an operation's 200 answer, its reference followed.</summary>
    private static JsonElement Answer(JsonElement root, JsonElement operation)
    {
        var schema = operation.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        return root.GetProperty("components").GetProperty("schemas").GetProperty(schema.GetProperty("$ref").GetString()!.Split('/')[^1]);
    }

    private static IEnumerable<string> Names(JsonElement schema) => schema.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal);

    [Fact]
    public async Task LastUsedAt_RequestsWithinAMinute_WrittenOnceAMinuteAtMost()
    {
        var clock = new AdjustableClock();
        var stack = await StartStackAsync(o => o.ConfigureServices = (_, services) => services.UseClock(clock));
        var email = DashboardApi.NewEmail();
        await stack.Dashboard.SignUpAsync(email);
        var session = await stack.Dashboard.LoginAsync(email, userAgent: Laptop);
        var atLogin = await LastUsedAsync(stack, Laptop);

        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(HttpStatusCode.OK, (await stack.Dashboard.GetAsync("/dashboard/auth/me", session)).Status);
        var within = await LastUsedAsync(stack, Laptop);
        clock.Advance(TimeSpan.FromSeconds(41));
        Assert.Equal(HttpStatusCode.OK, (await stack.Dashboard.GetAsync("/dashboard/auth/me", session, Auth.Cookie)).Status);
        var after = await LastUsedAsync(stack, Laptop);
        clock.Advance(TimeSpan.FromSeconds(20));
        var listed = await stack.Dashboard.GetAsync("/dashboard/auth/sessions", session);
        var later = await LastUsedAsync(stack, Laptop);

        Assert.Equal(atLogin, within);
        Assert.InRange(after, atLogin + 61_000, atLogin + 120_000);
        Assert.Equal(after, later);
        var shown = listed.Data.GetProperty("sessions").EnumerateArray().Single(s => s.GetProperty("current").GetBoolean());
        Assert.Equal(after, shown.GetProperty("lastUsedAt").GetDateTimeOffset().ToUnixTimeMilliseconds());
    }

    private static async Task<long> LastUsedAsync(TestStack stack, string userAgent)
    {
        await using var c = await stack.ControlDb.OpenAsync(default);
        return await c.ExecuteScalarAsync<long>("SELECT last_used_at FROM sessions WHERE user_agent = @userAgent", new { userAgent });
    }

    /// <summary>A registered and verified account that has not logged in yet.</summary>
    private async Task<string> VerifiedAccountAsync()
    {
        var email = DashboardApi.NewEmail();
        Assert.Equal(HttpStatusCode.Created, (await Api.RegisterAsync(email)).Status);
        await Api.VerifyEmailAsync(email);
        return email;
    }

    /// <summary>The id of the caller's listed session that logged in with <paramref name="userAgent"/>.</summary>
    private async Task<string> IdOfAsync(Session caller, string userAgent)
    {
        var answer = await Api.GetAsync("/dashboard/auth/sessions", caller);
        Assert.True(answer.Status == HttpStatusCode.OK, answer.ToString());
        return answer.Data.GetProperty("sessions").EnumerateArray()
            .Single(s => s.GetProperty("userAgent").GetString() == userAgent).GetProperty("id").GetString()!;
    }
}

public sealed class SessionScenariosOnSqlite(SharedStacks shared) : SessionScenarios(Store.Sqlite, null, shared);

[Collection(PostgresCollection.Name)]
public sealed class SessionScenariosOnPostgres(PostgresServer postgres, SharedStacks shared) : SessionScenarios(Store.Postgres, postgres, shared);
