using System.Data.Common;
using System.Text.Json;
using Dapper;
using PacSpace.Contracts.Webhooks;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Json;
using PacSpace.Hosting.Secrets;

namespace PacSpace.Plane.Features.Webhooks;

/// <summary>
/// Owner of <c>webhook_endpoints</c>: this plane's copy of its environment's endpoints, as the control plane delivers them
/// (newest version wins; a deletion stays as a tombstone without secrets). The secrets are one JSON array sealed under
/// the key-encryption key and bound to the row. The delivery engine asks <see cref="ListActiveAsync(string, string, CancellationToken)"/>
/// which endpoints receive an event, and gets their opened secrets.
/// </summary>
internal sealed class WebhookEndpointStore(Database db, AtRestEncryption secrets, TimeProvider time)
{
    /// <summary>Stores the state unless a newer version is already here. Returns whether it changed anything.</summary>
    public async Task<bool> ApplyAsync(DbConnection connection, WebhookEndpointState s, CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return await connection.ExecuteAsync(new CommandDefinition(
            // The tenant never changes: a state naming another tenant for a known id changes nothing.
            """
            INSERT INTO webhook_endpoints (id, tenant_id, url, events, enabled, deleted_at, secrets, version, updated_at)
            VALUES (@Id, @TenantId, @Url, @events, @enabled, @deletedAt, @sealed, @Version, @now)
            ON CONFLICT (id) DO UPDATE SET url = excluded.url, events = excluded.events, enabled = excluded.enabled,
                deleted_at = COALESCE(webhook_endpoints.deleted_at, excluded.deleted_at), secrets = excluded.secrets,
                version = excluded.version, updated_at = excluded.updated_at,
                -- A newer state that enables the endpoint (its owner turned it on again) ends what deliveries decided here.
                disabled_at = CASE WHEN excluded.enabled = 1 THEN NULL ELSE webhook_endpoints.disabled_at END,
                disabled_reason = CASE WHEN excluded.enabled = 1 THEN NULL ELSE webhook_endpoints.disabled_reason END,
                failing_since = CASE WHEN excluded.enabled = 1 THEN NULL ELSE webhook_endpoints.failing_since END
            WHERE webhook_endpoints.version < excluded.version AND webhook_endpoints.tenant_id = excluded.tenant_id
            """,
            new
            {
                s.Id,
                s.TenantId,
                s.Url,
                events = WebhookEvents.Store(s.Events),
                enabled = s.Enabled ? 1L : 0L,
                deletedAt = s.Deleted ? now : (long?)null,
                @sealed = s.Deleted ? null : secrets.Seal(JsonSerializer.Serialize(s.Secrets, JsonDefaults.Options), Purpose(s.Id)),
                s.Version,
                now,
            }, cancellationToken: ct)) == 1;
    }

    /// <summary>
    /// The tenant's endpoints that receive <paramref name="eventType"/> now: enabled, not deleted, subscribed to it
    /// (every endpoint receives <see cref="WebhookEvents.Ping"/>), with their secrets newest first and those whose
    /// overlap has ended left out.
    /// </summary>
    public async Task<IReadOnlyList<ActiveWebhookEndpoint>> ListActiveAsync(string tenantId, string eventType, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await ListActiveAsync(connection, null, tenantId, eventType, ct);
    }

    /// <summary>The same, inside the caller's connection and transaction (an outbox written with the change that causes the event).</summary>
    public async Task<IReadOnlyList<ActiveWebhookEndpoint>> ListActiveAsync(DbConnection connection, DbTransaction? tx, string tenantId, string eventType,
        CancellationToken ct)
    {
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"{Select} WHERE tenant_id = @tenantId AND deleted_at IS NULL AND enabled = 1 ORDER BY id",
            new { tenantId }, tx, cancellationToken: ct));
        return rows.Select(Open).Where(e => eventType == WebhookEvents.Ping || e.Events.Contains(eventType, StringComparer.Ordinal)).ToList();
    }

    /// <summary>One of the tenant's active endpoints (enabled, not deleted), for a test send to it; null otherwise.</summary>
    public async Task<ActiveWebhookEndpoint?> FindActiveAsync(string tenantId, string id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"{Select} WHERE id = @id AND tenant_id = @tenantId AND deleted_at IS NULL AND enabled = 1", new { id, tenantId }, cancellationToken: ct));
        return row is null ? null : Open(row);
    }

    /// <summary>Binds a sealed secrets array to its row: copied to another endpoint's row it does not open.</summary>
    internal static string Purpose(string id) => "webhook_endpoints.secrets/" + id;

    private const string Select = "SELECT id, tenant_id, url, events, secrets FROM webhook_endpoints";

    private ActiveWebhookEndpoint Open(Row row)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var all = JsonSerializer.Deserialize<List<WebhookSigningSecret>>(secrets.Open(row.Secrets!, Purpose(row.Id)), JsonDefaults.Options) ?? [];
        var current = all.Where(s => s.NotAfter is null || s.NotAfter > now)
            .OrderBy(s => s.NotAfter is null ? 0 : 1).ThenByDescending(s => s.NotAfter)
            .Select(s => s.Secret).ToList();
        return new ActiveWebhookEndpoint(row.Id, row.TenantId, row.Url, WebhookEvents.Parse(row.Events), current);
    }

    private sealed record Row(string Id, string TenantId, string Url, string Events, string? Secrets);
}
