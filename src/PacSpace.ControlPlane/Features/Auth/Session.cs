using Dapper;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using PacSpace.ControlPlane.Features.Environments;
using PacSpace.ControlPlane.Features.Billing;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>Logout, <c>me</c> and preferences: what an authenticated user does with their own session and record.</summary>
internal static class Session
{
    public sealed record PreferencesRequest(string PreferredEnvironment);

    public sealed record PreferencesView(string PreferredEnvironment);

    public static async Task<IResult> LogoutAsync(HttpContext http, Database db, IOptions<AuthOptions> options, TimeProvider time, CancellationToken ct)
    {
        await EndAsync(http, db, options, time, ct);
        return Envelope.Ok<object?>(null, 200, "Logged out. The session no longer works anywhere.");
    }

    /// <summary>Ends the server-side session (cookie and JWT alike) and drops the cookie; the API route and the pages share it.</summary>
    public static async Task EndAsync(HttpContext http, Database db, IOptions<AuthOptions> options, TimeProvider time, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE sessions SET ended_at = @now WHERE id = @id AND ended_at IS NULL",
            new { now = time.GetUtcNow().ToUnixTimeMilliseconds(), id = http.User.SessionIdOf() }, cancellationToken: ct));
        http.Response.Cookies.Delete(options.Value.CookieName, new CookieOptions { Path = "/", HttpOnly = true, SameSite = SameSiteMode.Lax });
    }

    public static async Task<IResult> MeAsync(HttpContext http, Database db, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var me = await Users.LoadAsync(connection, http.User.UserIdOf(), ct);
        return me is null ? Envelope.Fail(Error.NotFound("user")) : Envelope.Ok(me);
    }

    public static async Task<IResult> PreferencesAsync(HttpContext http, Database db, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync(http.Request, ct);
        if (!body.IsSuccess)
        {
            return Envelope.Fail(body.Error!);
        }

        var env = body.Value.Enum("preferredEnvironment", required: true, PacSpaceEnvironments.CurrentNames, "sandbox, production");
        if (body.Value.HasErrors)
        {
            return Envelope.Fail(body.Value.ToError());
        }

        var result = await SavePreferenceAsync(db, http.User.TenantIdOf(), http.User.UserIdOf(), env!.Value, ct);
        return Envelope.From(result, v => Envelope.Ok(v, 200, "Preferences updated successfully"));
    }

    /// <summary>Production can be preferred only while it is active; the preference lives on the user, so every device sees it.</summary>
    public static async Task<Result<PreferencesView>> SavePreferenceAsync(Database db, string tenantId, string userId, PacSpaceEnvironment env, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        if (env == PacSpaceEnvironment.Production)
        {
            if (!await Plans.TenantAllowsProductionAsync(connection, tenantId, ct))
            {
                return ProvisionEnvironment.ProductionNeedsPaidPlan();
            }

            var row = await EnvironmentRows.GetAsync(connection, tenantId, env, ct);
            if (row?.Status != Vocabulary.Active)
            {
                return new Error(409, ErrorCodes.EnvironmentNotActive,
                    $"Production is not active (status: {row?.Status ?? Vocabulary.None}). Activate it first (Settings, or POST /dashboard/environments/provision) and wait until it is active.");
            }
        }

        var name = env.Name();
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET preferred_environment = @name WHERE id = @userId", new { name, userId }, cancellationToken: ct));
        return new PreferencesView(name);
    }
}
