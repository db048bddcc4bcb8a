using System.Data.Common;
using Dapper;
using PacSpace.Contracts.Webhooks;
using PacSpace.ControlPlane.Planes;

namespace PacSpace.ControlPlane.Features.Webhooks;

/// <summary>The webhook_endpoints queries of endpoint delivery: the state a plane receives (secrets opened), and the pending ones a starting plane reads.</summary>
internal sealed partial class WebhookEndpointStore
{
    /// <summary>The state the endpoint's plane needs (a deleted endpoint's too), or null when there is no such row.</summary>
    public async Task<WebhookEndpointState?> DeliveryStateAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return (await StatesAsync(connection, "id = @id", new { id }, cancellationToken)).SingleOrDefault();
    }

    /// <summary>The undelivered changes of one environment (<c>sandbox</c>, <c>production</c>) after <paramref name="afterId"/>, by id.</summary>
    public async Task<IReadOnlyList<WebhookEndpointState>> PendingDeliveriesAsync(string environment, string afterId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await StatesAsync(connection, $"environment = @environment AND {PlaneOutbox.Pending} AND id > @afterId ORDER BY id LIMIT {limit}",
            new { environment, afterId }, cancellationToken);
    }

    private async Task<IReadOnlyList<WebhookEndpointState>> StatesAsync(DbConnection connection, string where, object parameters, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var rows = await connection.QueryAsync<StateRow>(new CommandDefinition(
            $"""
            SELECT id, tenant_id, environment, url, events, enabled, deleted_at, secret, previous_secret, previous_secret_expires_at, version
            FROM webhook_endpoints WHERE {where}
            """, parameters, cancellationToken: cancellationToken));
        return rows.Select(r => new WebhookEndpointState(r.Id, r.TenantId, r.Environment, r.Url, WebhookEvents.Parse(r.Events), r.Enabled == 1,
            r.DeletedAt is not null, SecretsOf(r, now), r.Version)).ToList();
    }

    /// <summary>Newest first: the current secret, then the previous one while its overlap lasts.</summary>
    private List<WebhookSigningSecret> SecretsOf(StateRow r, long now)
    {
        var list = new List<WebhookSigningSecret>(2);
        if (r.Secret is not null)
        {
            list.Add(new WebhookSigningSecret(secrets.Open(r.Secret, SecretPurpose(r.Id)), null));
        }

        if (r.PreviousSecret is not null && r.PreviousSecretExpiresAt > now)
        {
            list.Add(new WebhookSigningSecret(secrets.Open(r.PreviousSecret, PreviousSecretPurpose(r.Id)), r.PreviousSecretExpiresAt));
        }

        return list;
    }

    /// <summary>Settable: the secrets and deleted_at are often NULL, which SQLite gives no type.</summary>
    private sealed class StateRow
    {
        public string Id { get; set; } = "";

        public string TenantId { get; set; } = "";

        public string Environment { get; set; } = "";

        public string Url { get; set; } = "";

        public string Events { get; set; } = "";

        public long Enabled { get; set; }

        public long? DeletedAt { get; set; }

        public string? Secret { get; set; }

        public string? PreviousSecret { get; set; }

        public long? PreviousSecretExpiresAt { get; set; }

        public long Version { get; set; }
    }
}
