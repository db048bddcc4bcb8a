using PacSpace.ControlPlane.Planes;

namespace PacSpace.ControlPlane.Features.Environments;

/// <summary>The tenant's environments that were ever requested, with the API base URL SDKs use for each (current API).</summary>
internal sealed class ListEnvironments(EnvironmentStore environments, PlaneClient planes)
{
    public sealed record IntegrationView(string Id, string Environment, string Status, DateTimeOffset? ProvisionedAt, string ApiBaseUrl);

    public async Task<IReadOnlyList<IntegrationView>> HandleAsync(Actor actor, CancellationToken cancellationToken)
    {
        var rows = await environments.ByEnvironmentAsync(actor.TenantId, cancellationToken);
        return rows.Values.Where(r => r.Status != Vocabulary.None)
            .Select(r => new IntegrationView(r.Id, r.Name.Name(), r.Status, r.ProvisionedAt, planes.PublicUrl(r.Name)))
            .ToList();
    }
}
