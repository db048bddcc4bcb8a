namespace PacSpace.ControlPlane.Features.Webhooks;

/// <summary>
/// One row of <c>webhook_endpoints</c> without its secrets. <see cref="Environment"/> is <c>sandbox</c> or <c>production</c>;
/// <see cref="DisabledAt"/> and <see cref="DisabledReason"/> are set while the endpoint is disabled because its plane disabled it.
/// </summary>
internal sealed record WebhookEndpointRow(
    string Id,
    string TenantId,
    string Environment,
    string Url,
    string? Description,
    string Events,
    long Enabled,
    long? PreviousSecretExpiresAt,
    long CreatedAt,
    long UpdatedAt,
    long? LastTriggeredAt,
    long SuccessCount,
    long FailureCount,
    long Version,
    long SyncedVersion,
    long? DisabledAt,
    string? DisabledReason)
{
    public PacSpaceEnvironment Env => PacSpaceEnvironments.FromStored(Environment);

    public bool IsEnabled => Enabled == 1;

    public IReadOnlyList<string> EventList => Contracts.Webhooks.WebhookEvents.Parse(Events);

    public string SyncStatus => Planes.SyncStatus.Of(Version, SyncedVersion);
}
