using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PacSpace.ControlPlane.Pages;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>Accounts and sessions under <c>/dashboard/auth</c>. A session is handed out here, at the edge: as a JWT and a cookie.</summary>
internal static class AuthEndpoints
{
    public sealed record RegisterRequest(
        string Email,
        string Password,
        string? FirstName,
        string? LastName,
        string? CompanyName,
        string? Name,
        string? Organization,
        string? BuyerMode,
        string? ApprovalToken);

    public sealed record LoginRequest(string Email, string Password, string? Code);

    public sealed record LoginView(string AccessToken, string Token, DateTimeOffset ExpiresAt, UserView User);

    public sealed record ResendRequest(string Email);

    public sealed record TokenRequest(string Token);

    public sealed record ResetRequest(string Token, string NewPassword);

    public sealed record CodeRequest(string Code);

    public sealed record PasswordOnlyRequest(string Password);

    public sealed record PreferencesRequest(string PreferredEnvironment);

    public sealed record PasswordRequest(string CurrentPassword, string NewPassword);

    public static IServiceCollection AddAuth(this IServiceCollection services) => services
        .AddSingleton<Passwords>()
        .AddSingleton<JwtIssuer>()
        .AddSingleton<UserStore>()
        .AddSingleton<SessionStore>()
        .AddSingleton<OneTimeTokenStore>()
        .AddSingleton<AccountMail>()
        .AddSingleton<LoginThrottle>()
        .AddSingleton<TwoFactorStore>()
        .AddSingleton<TwoFactor>()
        .AddSingleton<RequestPasswordReset>()
        .AddSingleton<ResetPassword>()
        .AddSingleton<GetTwoFactor>()
        .AddSingleton<SetUpTwoFactor>()
        .AddSingleton<EnableTwoFactor>()
        .AddSingleton<DisableTwoFactor>()
        .AddSingleton<RegisterAccount>()
        .AddSingleton<VerifyEmail>()
        .AddSingleton<ResendVerification>()
        .AddSingleton<LogIn>()
        .AddSingleton<LogOut>()
        .AddSingleton<LogOutEverywhere>()
        .AddSingleton<ChangePassword>()
        .AddSingleton<GetMe>()
        .AddSingleton<UpdatePreferences>();

    /// <summary>The routes for callers without a session.</summary>
    public static void MapAuth(this RouteGroupBuilder auth)
    {
        auth.MapPost("/register", (HttpContext http, RegisterAccount handler, CancellationToken ct) =>
            JsonInput.HandleAsync(http.Request, RegisterAccount.Parse, async input => Envelope.From(await handler.HandleAsync(input, ct), v => Envelope.Ok(v, 201,
                "Registration successful. Check your e-mail to verify your account. Your Sandbox environment is being activated.")), ct))
            .AcceptsJson<RegisterRequest>().Produces<RegisterAccount.RegisteredUserView>(201);
        // The mail link: a browser is sent to the landing page, an API client gets JSON.
        auth.MapGet("/verify", async (string? token, HttpContext http, VerifyEmail handler, CancellationToken ct) =>
            PageHosting.WantsHtml(http.Request)
                ? Results.Redirect("/verify-email?token=" + Uri.EscapeDataString(token ?? ""))
                : Envelope.From(await handler.HandleAsync(new VerifyEmail.Input(token), ct), _ => Envelope.Ok(new { isVerified = true }, 200, "Email verified successfully.")));
        auth.MapPost("/verify", (HttpContext http, VerifyEmail handler, CancellationToken ct) =>
            JsonInput.HandleAsync(http.Request, VerifyEmail.Parse, async input =>
                Envelope.From(await handler.HandleAsync(input, ct), _ => Envelope.Ok(new { isVerified = true }, 200, "Email verified successfully.")), ct))
            .AcceptsJson<TokenRequest>().RequireRateLimiting(ControlPlaneModule.LoginPolicy);
        auth.MapPost("/forgot-password", (HttpContext http, RequestPasswordReset handler, CancellationToken ct) =>
            JsonInput.HandleAsync(http.Request, RequestPasswordReset.Parse, async input =>
            {
                await handler.HandleAsync(input, ct);
                return Envelope.Ok<object?>(null, 202, "If an account exists for this address, a password reset link is on its way. It works once, within the hour.");
            }, ct)).AcceptsJson<ResendRequest>().RequireRateLimiting(ControlPlaneModule.LoginPolicy);
        auth.MapPost("/reset-password", (HttpContext http, ResetPassword handler, CancellationToken ct) =>
            JsonInput.HandleAsync(http.Request, ResetPassword.Parse, async input =>
                Envelope.From(await handler.HandleAsync(input, ActorOrigin.Api, http.Connection.RemoteIpAddress?.ToString(), ct),
                    v => Envelope.Ok(v, 200, "Password changed. Every session of the account has ended: log in with the new password.")), ct))
            .AcceptsJson<ResetRequest>().Produces<ResetPassword.Output>().RequireRateLimiting(ControlPlaneModule.LoginPolicy);
        auth.MapPost("/resend-verification", (HttpContext http, ResendVerification handler, CancellationToken ct) =>
            JsonInput.HandleAsync(http.Request, ResendVerification.Parse, async input =>
            {
                await handler.HandleAsync(input, ct);
                return Envelope.Ok<object?>(null, 200, "If an unverified account exists for this address, a new verification e-mail is on its way.");
            }, ct)).AcceptsJson<ResendRequest>();
        auth.MapPost("/login", LogInAsync).AcceptsJson<LoginRequest>().Produces<LoginView>().RequireRateLimiting(ControlPlaneModule.LoginPolicy);
    }

    /// <summary>The routes of a signed-in user's own session and record.</summary>
    public static void MapAccount(this RouteGroupBuilder account)
    {
        account.MapPost("/logout", async (HttpContext http, LogOut handler, IOptions<AuthOptions> options, CancellationToken ct) =>
        {
            await handler.HandleAsync(Actor.Api(http), new LogOut.Input(http.User.SessionIdOf()), ct);
            SessionCookie.Delete(http, options.Value);
            return Envelope.Ok<object?>(null, 200, "Logged out. The session no longer works anywhere.");
        });
        account.MapPost("/logout-all", async (HttpContext http, LogOutEverywhere handler, IOptions<AuthOptions> options, CancellationToken ct) =>
        {
            var output = await handler.HandleAsync(Actor.Api(http), ct);
            SessionCookie.Delete(http, options.Value);
            return Envelope.Ok(output, 200, "Logged out everywhere. Every session and token of this account has ended.");
        }).Produces<LogOutEverywhere.Output>();
        account.MapPost("/password", (HttpContext http, ChangePassword handler, CancellationToken ct) =>
            JsonInput.HandleAsync(http.Request, f => ChangePassword.Parse(f, http.User.SessionIdOf()), async input =>
                Envelope.From(await handler.HandleAsync(Actor.Api(http), input, ct),
                    v => Envelope.Ok(v, 200, "Password changed. Your other sessions have ended.")), ct))
            .AcceptsJson<PasswordRequest>().Produces<ChangePassword.Output>();
        account.MapGet("/2fa", async (HttpContext http, GetTwoFactor handler, CancellationToken ct) =>
            Envelope.Ok((await handler.HandleAsync(Actor.Api(http), withPendingSecret: false, ct)).Status)).Produces<TwoFactorView>();
        account.MapPost("/2fa/setup", async (HttpContext http, SetUpTwoFactor handler, CancellationToken ct) =>
            Envelope.From(await handler.HandleAsync(Actor.Api(http), ct),
                v => Envelope.Ok(v, 200, "Add this secret to your authenticator app, then send a code from it to POST /dashboard/auth/2fa/enable.")))
            .Produces<SetUpTwoFactor.Output>();
        account.MapPost("/2fa/enable", (HttpContext http, EnableTwoFactor handler, CancellationToken ct) =>
            JsonInput.HandleAsync(http.Request, EnableTwoFactor.Parse, async input =>
                Envelope.From(await handler.HandleAsync(Actor.Api(http), input, ct),
                    v => Envelope.Ok(v, 200, "Two-factor authentication is on. Keep these recovery codes somewhere safe: each opens one login, and they are shown only now.")), ct))
            .AcceptsJson<CodeRequest>().Produces<EnableTwoFactor.Output>();
        account.MapPost("/2fa/disable", (HttpContext http, DisableTwoFactor handler, CancellationToken ct) =>
            JsonInput.HandleAsync(http.Request, DisableTwoFactor.Parse, async input =>
                Envelope.From(await handler.HandleAsync(Actor.Api(http), input, ct),
                    _ => Envelope.Ok<object?>(null, 200, "Two-factor authentication is off; the recovery codes no longer work.")), ct))
            .AcceptsJson<PasswordOnlyRequest>();
        account.MapGet("/me", async (HttpContext http, GetMe handler, CancellationToken ct) =>
            Envelope.From(await handler.HandleAsync(Actor.Api(http), ct), v => Envelope.Ok(v))).Produces<MeView>();
        account.MapPatch("/preferences", (HttpContext http, UpdatePreferences handler, CancellationToken ct) =>
            JsonInput.HandleAsync(http.Request, ReadPreferences, async input =>
                Envelope.From(await handler.HandleAsync(Actor.Api(http), input, ct), v => Envelope.Ok(v, 200, "Preferences updated successfully")), ct))
            .AcceptsJson<PreferencesRequest>().Produces<UpdatePreferences.PreferencesView>();
    }

    private static Task<IResult> LogInAsync(HttpContext http, LogIn handler, JwtIssuer jwt, IOptions<AuthOptions> options, CancellationToken ct) =>
        JsonInput.HandleAsync(http.Request, f => LogIn.Parse(f, http.Connection.RemoteIpAddress?.ToString(), SessionCookie.DeviceOf(http, options.Value)), async input =>
        {
            var signedIn = await handler.HandleAsync(input with { UserAgent = http.Request.Headers.UserAgent.ToString() }, ct);
            return Envelope.From(signedIn, output =>
            {
                if (output.Session is not { } session)
                {
                    return Envelope.Fail(LogIn.SecondFactorRequired());
                }

                var accessToken = jwt.Issue(session.User.Id, session.User.TenantId, session.SessionId, session.OpenedAt, session.ExpiresAt);
                SessionCookie.Append(http, options.Value, session.SessionToken, session.ExpiresAt);
                SessionCookie.AppendDevice(http, options.Value, session.DeviceToken);
                return Envelope.Ok(new LoginView(accessToken, accessToken, session.ExpiresAt, session.User.ToUser()), 200, "Logged in.");
            });
        }, ct);

    private static Result<UpdatePreferences.Input> ReadPreferences(FieldReader f)
    {
        var env = f.Enum("preferredEnvironment", required: true, PacSpaceEnvironments.CurrentNames, "sandbox, production");
        return f.HasErrors ? f.ToError() : new UpdatePreferences.Input(env!.Value);
    }
}
