using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PacSpace.Contracts.Planes;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Planes;

/// <summary>
/// <c>GET /internal/v1/&lt;kind&gt;/pending?environment=…&amp;after=</c>: the changes of one kind not yet delivered to a
/// plane, a <see cref="SyncPage{T}"/> by id. A plane reads them when it starts, before it accepts requests, so a change
/// made while it was down (a key revoked, an endpoint deleted) holds from its first request; the delivery job's own
/// delivery follows and marks them synced.
/// </summary>
internal static class PendingChanges
{
    public const int MaxPage = 500;

    /// <param name="environments">The spellings the route accepts, and <paramref name="accepted"/> says them.</param>
    /// <param name="read">Up to the page size of pending states of a plane, after an id, by id.</param>
    /// <param name="idOf">The cursor of a state (its row id).</param>
    public static RouteHandlerBuilder MapPending<TState>(this RouteGroupBuilder internalApi, string pattern,
        IReadOnlyDictionary<string, PacSpaceEnvironment> environments, string accepted,
        Func<IServiceProvider, PacSpaceEnvironment, string, int, CancellationToken, Task<IReadOnlyList<TState>>> read, Func<TState, string> idOf) =>
        internalApi.MapGet(pattern, async (string? environment, string? after, HttpContext http, CancellationToken ct) =>
        {
            if (environment is null || !environments.TryGetValue(environment, out var plane))
            {
                return Envelope.Fail(Error.Validation("environment", $"must be one of {accepted}"));
            }

            var items = await read(http.RequestServices, plane, after ?? "", MaxPage, ct);
            return Envelope.Ok(new SyncPage<TState>(items, items.Count == MaxPage ? idOf(items[^1]) : null));
        });
}
