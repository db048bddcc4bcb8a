using Microsoft.AspNetCore.Http;
using PacSpace.ControlPlane.Features.Auth;

namespace PacSpace.ControlPlane;

/// <summary>Where a use case was started from; audit entries record it.</summary>
public enum ActorOrigin
{
    /// <summary>The Dashboard API (cookie or bearer session).</summary>
    Api,

    /// <summary>A dashboard page (form post).</summary>
    Page,

    /// <summary>An operator command (<c>pacspace tenants …</c>) run against the control database.</summary>
    Operator,

    /// <summary>PacSpace itself, acting on what a plane reported (a webhook endpoint its deliveries disabled); no user, no address.</summary>
    System,
}

/// <summary>
/// Who runs a use case: the tenant it acts on, the signed-in user (none for an operator), where it came from
/// and the client address. Handlers take this instead of an <c>HttpContext</c>, so the API, the pages and the
/// CLI run the same rules and leave the same audit entries.
/// </summary>
public sealed record Actor(string TenantId, string? UserId, ActorOrigin Origin, string? Address)
{
    /// <summary>An operator acting on a tenant from the command line.</summary>
    public static Actor Operator(string tenantId) => new(tenantId, null, ActorOrigin.Operator, null);

    /// <summary>PacSpace acting on a tenant by itself (a background job).</summary>
    internal static Actor System(string tenantId) => new(tenantId, null, ActorOrigin.System, null);

    /// <summary>The signed-in user of an API request.</summary>
    internal static Actor Api(HttpContext http) => Of(http, ActorOrigin.Api);

    /// <summary>The signed-in user of a page request.</summary>
    internal static Actor Page(HttpContext http) => Of(http, ActorOrigin.Page);

    private static Actor Of(HttpContext http, ActorOrigin origin) =>
        new(http.User.TenantIdOf(), http.User.UserIdOf(), origin, http.Connection.RemoteIpAddress?.ToString());
}

/// <summary>Spellings of <see cref="ActorOrigin"/> in stored rows and answers.</summary>
internal static class ActorOrigins
{
    public static string Name(this ActorOrigin origin) => origin switch
    {
        ActorOrigin.Page => "page",
        ActorOrigin.Operator => "operator",
        ActorOrigin.System => "system",
        _ => "api",
    };
}
