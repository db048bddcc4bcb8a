namespace PacSpace.ControlPlane.Features.Environments;

/// <summary>The tenant's environments that were ever requested, in the V3.6 vocabulary.</summary>
internal sealed class ListContracts(EnvironmentStore environments)
{
    public sealed record ContractView(string Id, string TenantId, string Environment, string Status, DateTimeOffset? ProvisionedAt);

    public async Task<IReadOnlyList<ContractView>> HandleAsync(Actor actor, CancellationToken cancellationToken)
    {
        var rows = await environments.ByEnvironmentAsync(actor.TenantId, cancellationToken);
        return rows.Values.Where(r => r.Status != Vocabulary.None)
            .Select(r => new ContractView(r.Id, r.TenantId, r.Name.V36Name(), Vocabulary.V36Status(r.Status), r.ProvisionedAt))
            .ToList();
    }
}
