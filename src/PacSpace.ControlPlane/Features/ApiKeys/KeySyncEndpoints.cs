using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Contracts.Keys;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.ApiKeys;

/// <summary>
/// <c>GET /internal/v1/keys/pending?environment=test|live</c>: the changes not yet delivered to a plane. A plane
/// reads them when it starts, before it accepts requests, so a key revoked while it was down never works
/// again; the worker's own delivery follows and marks them synced.
/// </summary>
internal static class KeySyncEndpoints
{
    private const int MaxPage = 500;

    public static void Map(RouteGroupBuilder internalApi) => internalApi.MapGet("/keys/pending", PendingAsync);

    private static async Task<IResult> PendingAsync(string? environment, string? after, Database db, CancellationToken ct)
    {
        if (environment is not ("test" or "live"))
        {
            return Envelope.Fail(Error.Validation("environment", "must be one of test, live"));
        }

        var cursor = after ?? "";
        await using var connection = await db.OpenAsync(ct);
        var items = await ApiKeyRows.StatesAsync(connection,
            $"k.environment = @environment AND k.synced_version < k.version AND k.id > @cursor ORDER BY k.id LIMIT {MaxPage}",
            new { environment, cursor }, ct);
        return Envelope.Ok(new KeyStatePage(items, items.Count == MaxPage ? items[^1].KeyId : null));
    }
}
