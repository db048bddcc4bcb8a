using System.Net;
using Dapper;
using OtpNet;
using PacSpace.IntegrationTests.Infrastructure;

namespace PacSpace.IntegrationTests.Dashboard;

/// <summary>No account oracle, a throttle instead of a lockout, password reset, mailed links that need a button, two-factor authentication.</summary>
public abstract partial class AccountSecurityScenarios(Store store, PostgresServer? postgres, SharedStacks shared) : SharedStackTests(store, postgres, shared)
{
    [Fact]
    public async Task Register_KnownAddress_SameAnswerNothingStoredAndTheOwnerIsTold()
    {
        var owner = await Api.SignUpAsync();
        var before = await CountsAsync();

        var again = await Api.RegisterAsync(owner.Email.ToUpperInvariant());
        var fresh = await Api.RegisterAsync(DashboardApi.NewEmail("fresh"));

        Assert.Equal(HttpStatusCode.Created, again.Status);
        Assert.Equal(Shape(fresh), Shape(again));
        Assert.Equal(fresh.Body.GetProperty("message").GetString(), again.Body.GetProperty("message").GetString());
        Assert.NotEqual(owner.UserId, again.Data.GetProperty("id").GetString());
        Assert.NotEqual(owner.TenantId, again.Data.GetProperty("tenantId").GetString());
        Assert.Equal((before.Users + 1, before.Tenants + 1), await CountsAsync());
        await Api.MailedLinkAsync(owner.Email, AttemptMail());
        // The owner's password is untouched by the attempt.
        await Api.LoginAsync(owner.Email);
    }

    [Fact]
    public async Task Register_UnverifiedAddressAgain_SendsANewVerificationLink()
    {
        var email = DashboardApi.NewEmail();
        await Api.RegisterAsync(email);
        var first = await Api.VerificationLinkAsync(email);

        var again = await Api.RegisterAsync(email);

        Assert.Equal(HttpStatusCode.Created, again.Status);
        var second = await Api.NextVerificationLinkAsync(email, first);
        Assert.Equal(HttpStatusCode.OK, (await Api.PostAsync("/dashboard/auth/verify", new { token = DashboardApi.TokenOf(second) })).Status);
    }

    [Fact]
    public async Task VerificationLink_OpeningThePageUsesNothing_TheButtonVerifiesOnce()
    {
        var email = DashboardApi.NewEmail();
        await Api.RegisterAsync(email);
        var link = await Api.VerificationLinkAsync(email);
        Assert.StartsWith("/verify-email?token=", link, StringComparison.Ordinal);

        // A mail scanner follows the link, with and without a browser's Accept header.
        using var scanner = new HttpClient { BaseAddress = Api.Http.BaseAddress };
        Assert.Equal(HttpStatusCode.OK, (await scanner.GetAsync(link)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await scanner.GetAsync(link)).StatusCode);
        Assert.Equal("EMAIL_NOT_VERIFIED", (await Api.PostAsync("/dashboard/auth/login", new { email, password = DashboardApi.Password })).Code);

        var first = await Api.PostAsync("/dashboard/auth/verify", new { token = DashboardApi.TokenOf(link) });
        var second = await Api.PostAsync("/dashboard/auth/verify", new { token = DashboardApi.TokenOf(link) });
        var missing = await Api.PostAsync("/dashboard/auth/verify", new { });

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal("INVALID_TOKEN", second.Code);
        Assert.Contains("token", missing.DetailFields);
        await Api.LoginAsync(email);
    }

    [Fact]
    public async Task Login_FailuresWait_GrowingAndTheSameForKnownAndUnknownAddresses()
    {
        await using var stack = await StartStackAsync(o => o.Overrides["Auth:LoginDelayBase"] = "00:00:02");
        var api = stack.Dashboard;
        var owner = await api.SignUpAsync();
        var unknown = DashboardApi.NewEmail("nobody");

        var known = await FailAsync(api, owner.Email, 5);
        var waitKnown = await api.PostAsync("/dashboard/auth/login", new { email = owner.Email, password = DashboardApi.Password });
        var stranger = await FailAsync(api, unknown, 5);
        var waitUnknown = await api.PostAsync("/dashboard/auth/login", new { email = unknown, password = DashboardApi.Password });

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 5), known.Select(a => a.Status));
        Assert.Equal(known.Select(a => a.Raw), stranger.Select(a => a.Raw));
        Assert.Equal(HttpStatusCode.TooManyRequests, waitKnown.Status);
        Assert.Equal("TOO_MANY_ATTEMPTS", waitKnown.Code);
        Assert.Equal(waitKnown.Raw, waitUnknown.Raw);
        Assert.Equal(2, RetryAfter(waitKnown));

        // After the wait one more failure doubles it.
        await Task.Delay(TimeSpan.FromSeconds(2.2));
        Assert.Equal(HttpStatusCode.Unauthorized, (await FailAsync(api, owner.Email, 1)).Single().Status);
        var longer = await api.PostAsync("/dashboard/auth/login", new { email = owner.Email, password = DashboardApi.Password });
        Assert.Equal(HttpStatusCode.TooManyRequests, longer.Status);
        Assert.Equal(4, RetryAfter(longer));
    }

    [Fact]
    public async Task Login_StrangersFailures_DoNotKeepTheOwnersKnownBrowserOut()
    {
        // A wait long enough that the scenario never outlives it.
        await using var stack = await StartStackAsync(o => o.Overrides["Auth:LoginDelayBase"] = "00:01:00");
        var api = stack.Dashboard;
        var owner = await api.SignUpAsync();
        var device = DeviceCookie(await api.PostAsync("/dashboard/auth/login", new { email = owner.Email, password = DashboardApi.Password }));

        await FailAsync(api, owner.Email, 8);

        var newBrowser = await api.PostAsync("/dashboard/auth/login", new { email = owner.Email, password = DashboardApi.Password });
        var knownBrowser = await api.SendAsync(HttpMethod.Post, "/dashboard/auth/login", new { email = owner.Email, password = DashboardApi.Password }, cookie: device);
        var otherAccountsCookie = await api.SendAsync(HttpMethod.Post, "/dashboard/auth/login", new { email = owner.Email, password = DashboardApi.Password },
            cookie: DeviceCookie(await api.PostAsync("/dashboard/auth/login", new { email = (await api.SignUpAsync()).Email, password = DashboardApi.Password })));

        Assert.Equal(HttpStatusCode.TooManyRequests, newBrowser.Status);
        Assert.Equal(HttpStatusCode.OK, knownBrowser.Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, otherAccountsCookie.Status);
    }

    [Fact]
    public async Task PasswordReset_LinkOncePasswordChangesSessionsEndAndUnknownAddressesGetTheSameAnswer()
    {
        var owner = await Api.SignUpAsync();
        var other = await Api.LoginAsync(owner.Email);
        await FailAsync(Api, owner.Email, 6);

        var known = await Api.PostAsync("/dashboard/auth/forgot-password", new { email = owner.Email });
        var unknown = await Api.PostAsync("/dashboard/auth/forgot-password", new { email = DashboardApi.NewEmail("ghost") });
        Assert.Equal(HttpStatusCode.Accepted, known.Status);
        Assert.Equal(known.Raw, unknown.Raw);
        var link = await Api.MailedLinkAsync(owner.Email, DashboardApi.ResetLink());
        Assert.StartsWith("/reset-password?token=", link, StringComparison.Ordinal);
        using var scanner = new HttpClient { BaseAddress = Api.Http.BaseAddress };
        Assert.Equal(HttpStatusCode.OK, (await scanner.GetAsync(link)).StatusCode);

        var token = DashboardApi.TokenOf(link);
        var shortPassword = await Api.PostAsync("/dashboard/auth/reset-password", new { token, newPassword = "short" });
        var reset = await Api.PostAsync("/dashboard/auth/reset-password", new { token, newPassword = "a-brand-new-password-7" });
        var reuse = await Api.PostAsync("/dashboard/auth/reset-password", new { token, newPassword = "yet-another-password-8" });

        Assert.Contains("newPassword", shortPassword.DetailFields);
        Assert.Equal(HttpStatusCode.OK, reset.Status);
        Assert.Equal(2, reset.Data.GetProperty("sessionsEnded").GetInt32());
        Assert.Equal("INVALID_TOKEN", reuse.Code);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.GetAsync("/dashboard/auth/me", owner)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.GetAsync("/dashboard/auth/me", other)).Status);
        // The reset also ends the stranger-made wait on the address, and only the new password works.
        Assert.Equal("INVALID_CREDENTIALS", (await Api.PostAsync("/dashboard/auth/login", new { email = owner.Email, password = DashboardApi.Password })).Code);
        Assert.Equal(HttpStatusCode.OK, (await Api.PostAsync("/dashboard/auth/login", new { email = owner.Email, password = "a-brand-new-password-7" })).Status);
        await using var c = await Stack.ControlDb.OpenAsync(default);
        Assert.Equal(1, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_log WHERE action = 'password.reset' AND target_id = @id", new { id = owner.UserId }));
    }

    [Fact]
    public async Task TwoFactor_EnrolThenLoginNeedsACodeUsedOnceOrARecoveryCode()
    {
        var owner = await Api.SignUpAsync();
        Assert.Equal("TWO_FACTOR_NOT_SET_UP", (await Api.PostAsync("/dashboard/auth/2fa/enable", new { code = "123456" }, owner)).Code);
        var setUp = await Api.PostAsync("/dashboard/auth/2fa/setup", null, owner);
        Assert.Equal(HttpStatusCode.OK, setUp.Status);
        var secret = setUp.Data.GetProperty("secret").GetString()!;
        Assert.StartsWith("otpauth://totp/", setUp.Data.GetProperty("otpAuthUri").GetString(), StringComparison.Ordinal);
        var totp = new Totp(Base32Encoding.ToBytes(secret));

        Assert.Contains("code", (await Api.PostAsync("/dashboard/auth/2fa/enable", new { code = "000000" == totp.ComputeTotp() ? "111111" : "000000" }, owner)).DetailFields);
        var enabled = await Api.PostAsync("/dashboard/auth/2fa/enable", new { code = totp.ComputeTotp() }, owner);
        Assert.Equal(HttpStatusCode.OK, enabled.Status);
        var recovery = enabled.Data.GetProperty("recoveryCodes").EnumerateArray().Select(c => c.GetString()!).ToList();
        Assert.Equal(10, recovery.Distinct().Count());
        Assert.True((await Api.GetAsync("/dashboard/auth/2fa", owner)).Data.GetProperty("enabled").GetBoolean());

        var noCode = await Api.PostAsync("/dashboard/auth/login", new { email = owner.Email, password = DashboardApi.Password });
        Assert.Equal(HttpStatusCode.Unauthorized, noCode.Status);
        Assert.Equal("TWO_FACTOR_REQUIRED", noCode.Code);
        Assert.DoesNotContain("Set-Cookie", noCode.Headers.Select(h => h.Key));
        var wrongPasswordRightCode = await Api.PostAsync("/dashboard/auth/login", new { email = owner.Email, password = "wrong-password-1", code = totp.ComputeTotp() });
        Assert.Equal("INVALID_CREDENTIALS", wrongPasswordRightCode.Code);

        // The next step's code (within the allowed drift) opens one login; the same code again does not.
        var next = totp.ComputeTotp(DateTime.UtcNow.AddSeconds(30));
        var withCode = await Api.PostAsync("/dashboard/auth/login", new { email = owner.Email, password = DashboardApi.Password, code = next });
        var replay = await Api.PostAsync("/dashboard/auth/login", new { email = owner.Email, password = DashboardApi.Password, code = next });
        var withRecovery = await Api.PostAsync("/dashboard/auth/login", new { email = owner.Email, password = DashboardApi.Password, code = recovery[3].ToUpperInvariant() });
        var recoveryAgain = await Api.PostAsync("/dashboard/auth/login", new { email = owner.Email, password = DashboardApi.Password, code = recovery[3] });

        Assert.Equal(HttpStatusCode.OK, withCode.Status);
        Assert.Contains("code", replay.DetailFields);
        Assert.Equal(HttpStatusCode.OK, withRecovery.Status);
        Assert.Contains("code", recoveryAgain.DetailFields);
        Assert.Equal(9, (await Api.GetAsync("/dashboard/auth/2fa", owner)).Data.GetProperty("recoveryCodesLeft").GetInt64());

        Assert.Contains("password", (await Api.PostAsync("/dashboard/auth/2fa/disable", new { password = "wrong-password-1" }, owner)).DetailFields);
        Assert.Equal(HttpStatusCode.OK, (await Api.PostAsync("/dashboard/auth/2fa/disable", new { password = DashboardApi.Password }, owner)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Api.PostAsync("/dashboard/auth/login", new { email = owner.Email, password = DashboardApi.Password })).Status);

        // The secret is stored sealed, never in clear.
        await using var c = await Stack.ControlDb.OpenAsync(default);
        var stored = await c.ExecuteScalarAsync<string?>("SELECT totp_pending_secret FROM users WHERE id = @id", new { id = owner.UserId });
        Assert.Null(stored);
    }

    [Fact]
    public async Task TwoFactor_SecretAtRest_IsSealedNotInClear()
    {
        var owner = await Api.SignUpAsync();
        var secret = (await Api.PostAsync("/dashboard/auth/2fa/setup", null, owner)).Data.GetProperty("secret").GetString()!;
        await Api.PostAsync("/dashboard/auth/2fa/enable", new { code = new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp() }, owner);

        await using var c = await Stack.ControlDb.OpenAsync(default);
        var stored = await c.ExecuteScalarAsync<string>("SELECT totp_secret FROM users WHERE id = @id", new { id = owner.UserId });
        Assert.StartsWith("enc:v1:", stored, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, stored, StringComparison.Ordinal);
        var hashes = (await c.QueryAsync<string>("SELECT code_hash FROM recovery_codes WHERE user_id = @id", new { id = owner.UserId })).ToList();
        Assert.Equal(10, hashes.Count);
        Assert.All(hashes, h => Assert.Matches("^[0-9a-f]{64}$", h));
    }

    private static async Task<List<Answer>> FailAsync(DashboardApi api, string email, int times)
    {
        var answers = new List<Answer>();
        for (var i = 0; i < times; i++)
        {
            answers.Add(await api.PostAsync("/dashboard/auth/login", new { email, password = "wrong-password-" + i }));
        }

        return answers;
    }

    private static int RetryAfter(Answer answer) => int.Parse(answer.Headers.GetValues("Retry-After").Single());

    private static string DeviceCookie(Answer login)
    {
        Assert.Equal(HttpStatusCode.OK, login.Status);
        var cookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("pacspace_device=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie.ToLowerInvariant());
        return cookie.Split(';')[0];
    }

    private static string Shape(Answer answer) =>
        string.Join(",", answer.Data.EnumerateObject().Select(p => $"{p.Name}:{p.Value.ValueKind}")) + $"|{(int)answer.Status}";


    private async Task<(long Users, long Tenants)> CountsAsync()
    {
        await using var c = await Stack.ControlDb.OpenAsync(default);
        return (await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM users"), await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM tenants"));
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"https?://\S+/login")]
    private static partial System.Text.RegularExpressions.Regex AttemptMail();
}

public sealed class AccountSecurityScenariosOnSqlite(SharedStacks shared) : AccountSecurityScenarios(Store.Sqlite, null, shared);

[Collection(PostgresCollection.Name)]
public sealed class AccountSecurityScenariosOnPostgres(PostgresServer postgres, SharedStacks shared) : AccountSecurityScenarios(Store.Postgres, postgres, shared);
