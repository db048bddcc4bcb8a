using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.ApiKeys;

/// <summary>One page of the tenant's keys, newest first, optionally of one environment.</summary>
internal sealed class ListKeys(ApiKeyStore keys, TimeProvider time)
{
    public sealed record Input(PacSpaceEnvironment? Environment, int Page, int Limit);

    public async Task<PagedList<KeyView>> HandleAsync(Actor actor, Input input, CancellationToken ct)
    {
        var (total, rows) = await keys.ListAsync(actor.TenantId, input.Environment?.KeyName(), input.Page, input.Limit, ct);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return new PagedList<KeyView>(rows.Select(r => KeyView.Of(r, now)).ToList(), total, input.Page, input.Limit);
    }
}
