using System.Buffers.Text;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text.Json;
using PacSpace.Contracts.Webhooks;
using PacSpace.ControlPlane.Features.Auth;
using PacSpace.ControlPlane.Features.Environments;
using PacSpace.ControlPlane.Planes;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.Webhooks;

/// <summary>Rules more than one endpoint use case applies: environment spellings, event lists, descriptions, secrets, lookup.</summary>
internal static class WebhookRules
{
    public const int MaxDescription = 500;

    /// <summary>What the API accepts where an endpoint's environment is named: the current names and every alias.</summary>
    public static IReadOnlyDictionary<string, PacSpaceEnvironment> Environments { get; } =
        PacSpaceEnvironments.DashboardNames.Concat(PacSpaceEnvironments.KeyNames).ToDictionary(StringComparer.Ordinal);

    public const string AcceptedEnvironments =
        $"{PacSpaceEnvironments.SandboxName}, {PacSpaceEnvironments.ProductionName} ({PacSpaceEnvironments.TestnetName}/{PacSpaceEnvironments.MainnetName} and {PacSpaceEnvironments.TestKeyName}/{PacSpaceEnvironments.LiveKeyName} are accepted too)";

    /// <summary>What an answer calls the endpoints of an environment: <c>Sandbox webhook endpoints</c>.</summary>
    public static string EndpointsOf(PacSpaceEnvironment env) => $"{(env == PacSpaceEnvironment.Production ? "Production" : "Sandbox")} webhook endpoints";

    /// <summary>
    /// The <c>events</c> field: null when absent (the caller decides what that means); else event types of the catalog,
    /// in catalog order, each once. An unknown one is named by its place (<c>events[2]</c>); <c>ping</c> is accepted and
    /// not stored, since every endpoint receives it.
    /// </summary>
    public static IReadOnlyList<string>? ReadEvents(FieldReader fields)
    {
        if (fields.Raw("events") is not { } raw)
        {
            return null;
        }

        if (raw.ValueKind != JsonValueKind.Array)
        {
            fields.Add("events", $"must be an array of event types, some of {WebhookEvents.CatalogList}, not {FieldReader.Describe(raw.ValueKind)}");
            return null;
        }

        var chosen = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        var bad = false;
        foreach (var item in raw.EnumerateArray())
        {
            var name = item.ValueKind == JsonValueKind.String ? item.GetString()! : null;
            if (name is null || !(WebhookEvents.IsInCatalog(name) || name == WebhookEvents.Ping))
            {
                fields.Add($"events[{i}]", name is null
                    ? $"must be a string, not {FieldReader.Describe(item.ValueKind)}"
                    : $"is not an event type; must be one of {WebhookEvents.CatalogList}");
                bad = true;
            }
            else if (name != WebhookEvents.Ping)
            {
                chosen.Add(name);
            }

            i++;
        }

        if (!bad && chosen.Count == 0)
        {
            fields.Add("events", $"must name at least one of {WebhookEvents.CatalogList} (ping is always sent); leave it out to receive every event");
        }

        return bad || chosen.Count == 0 ? null : WebhookEvents.Catalog.Where(chosen.Contains).ToList();
    }

    /// <summary>The <c>description</c> field: null when absent, "" when sent empty (a PATCH clears it that way).</summary>
    public static string? ReadDescription(FieldReader fields) =>
        fields.String("description", required: false, 0, MaxDescription, rule: TextRule.Prose);

    /// <summary>A new signing secret: <c>whsec_</c> and 32 random bytes in base64url (43 characters). Receivers key HMAC-SHA256 with the whole string.</summary>
    public static string NewSecret() => WebhookSigningSecret.Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>The tenant's endpoint (not deleted), else NOT_FOUND.</summary>
    public static async Task<Result<WebhookEndpointRow>> FindAsync(WebhookEndpointStore endpoints, DbConnection connection, string tenantId, string id, CancellationToken ct) =>
        await endpoints.FindAsync(connection, tenantId, id, ct) is { } row ? row : Error.NotFound("webhook endpoint");

    /// <summary>
    /// The environment whose plane a delivery-log call goes to: the one asked for, else the user's preferred one. It must be
    /// one the tenant may use and active (<see cref="EnvironmentGate"/>), as for creating endpoints there.
    /// </summary>
    public static async Task<Result<PacSpaceEnvironment>> DeliveryEnvironmentAsync(DbConnection connection, UserStore users, Actor actor, PacSpaceEnvironment? asked,
        CancellationToken ct)
    {
        var env = asked ?? (actor.UserId is { } userId ? await users.PreferredEnvironmentAsync(connection, userId, ct) : PacSpaceEnvironment.Sandbox);
        var what = $"{(env == PacSpaceEnvironment.Production ? "Production" : "Sandbox")} webhook deliveries";
        return await EnvironmentGate.CheckAsync(connection, actor.TenantId, env, what, ct) is { } refused ? refused : env;
    }

    /// <summary>
    /// Asks the plane of the delivery log's environment on a user's behalf: the environment chosen (<paramref name="asked"/>,
    /// else the user's preferred one) and gated as for every environment-scoped route, then <paramref name="ask"/> on its plane;
    /// a plane that did not answer is 503, <paramref name="unavailable"/> saying what that means for the request.
    /// </summary>
    public static async Task<Result<T>> AskDeliveryPlaneAsync<T>(Database db, UserStore users, Actor actor, PacSpaceEnvironment? asked,
        Func<PacSpaceEnvironment, Task<Result<T>>> ask, string unavailable, CancellationToken ct)
    {
        Result<PacSpaceEnvironment> chosen;
        await using (var connection = await db.OpenAsync(ct))
        {
            chosen = await DeliveryEnvironmentAsync(connection, users, actor, asked, ct);
        }

        if (!chosen.IsSuccess)
        {
            return chosen.Error!;
        }

        try
        {
            return await ask(chosen.Value);
        }
        catch (Exception ex) when (IsPlaneDown(ex, ct))
        {
            return PlaneUnavailable(chosen.Value, unavailable);
        }
    }

    /// <summary>Whether a call to a plane failed because the plane did not answer (or answered nonsense), as opposed to shutdown or a bug.</summary>
    public static bool IsPlaneDown(Exception ex, CancellationToken ct) => PlaneClient.IsUnavailable(ex, ct) || ex is InvalidDataException or JsonException;

    /// <summary>503 for a plane that did not answer; <paramref name="outcome"/> says what that means for the request.</summary>
    public static Error PlaneUnavailable(PacSpaceEnvironment env, string outcome) => new(503, ErrorCodes.ServiceUnavailable,
        $"The {env.Name()} environment did not answer; {outcome} Try again shortly.")
    {
        RetryAfterSeconds = 5,
    };

    public static Error LimitReached(PacSpaceEnvironment env, int max) => new(409, ErrorCodes.WebhookLimitReached,
        $"This account already has {max} {env.Name()} webhook endpoints, the most it may have. Delete one you no longer use, or send several event types to one endpoint.");

    // Stored times have millisecond precision; answers show exactly what is stored.
    public static DateTimeOffset At(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public static DateTimeOffset? At(long? ms) => ms is long v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null;
}
