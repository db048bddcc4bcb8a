namespace PacSpace.ControlPlane.Features.Environments;

/// <summary>One row of <c>environments</c>: a tenant's Sandbox or Production and where its activation stands.</summary>
internal sealed record EnvironmentRow(
    string Id,
    string TenantId,
    string Environment,
    string Status,
    long? ProvisionedAtMs,
    string? LastError,
    long Activations,
    long Attempts,
    long? RequestedAt,
    string? RequestedBy)
{
    public PacSpaceEnvironment Name => PacSpaceEnvironments.FromStored(Environment);

    public DateTimeOffset? ProvisionedAt => ProvisionedAtMs is long ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
}
