using PacSpace.Hosting.Errors;

namespace PacSpace.ControlPlane.Features.Environments;

/// <summary>Where both environments of a tenant stand, in the V3.6 vocabulary; only the caller's own tenant.</summary>
internal sealed class GetContractStatus(EnvironmentStore environments)
{
    public sealed record Input(string TenantId);

    public sealed record ContractEnvironment(string Environment, string Status, DateTimeOffset? ProvisionedAt);

    public sealed record ContractStatusView(string TenantId, IReadOnlyList<ContractEnvironment> Environments);

    public async Task<Result<ContractStatusView>> HandleAsync(Actor actor, Input input, CancellationToken cancellationToken)
    {
        // Another tenant's id is indistinguishable from an id that does not exist.
        if (!string.Equals(input.TenantId, actor.TenantId, StringComparison.Ordinal))
        {
            return Error.NotFound("tenant");
        }

        var rows = await environments.ByEnvironmentAsync(actor.TenantId, cancellationToken);
        return new ContractStatusView(input.TenantId, PacSpaceEnvironments.All.Select(env => Entry(rows[env])).ToList());
    }

    private static ContractEnvironment Entry(EnvironmentRow row) =>
        new(row.Name.V36Name(), Vocabulary.V36Status(row.Status), row.ProvisionedAt);
}
