namespace PacSpace.ControlPlane.Features.Environments;

/// <summary>Where both of the tenant's environments stand (current API).</summary>
internal sealed class GetEnvironmentStatus(EnvironmentStore environments)
{
    public sealed record StatusView(EnvironmentState Sandbox, EnvironmentState Production);

    public async Task<StatusView> HandleAsync(Actor actor, CancellationToken cancellationToken)
    {
        var rows = await environments.ByEnvironmentAsync(actor.TenantId, cancellationToken);
        return new StatusView(EnvironmentState.Of(rows[PacSpaceEnvironment.Sandbox]), EnvironmentState.Of(rows[PacSpaceEnvironment.Production]));
    }
}
