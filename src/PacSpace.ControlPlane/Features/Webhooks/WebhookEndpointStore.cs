using System.Data.Common;
using Dapper;
using PacSpace.ControlPlane.Planes;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Secrets;

namespace PacSpace.ControlPlane.Features.Webhooks;

/// <summary>
/// Owner of <c>webhook_endpoints</c>: every read and write of that table goes through here, and only here are its secrets
/// sealed and opened (each bound to its row and column). Deliveries to the planes are in <c>WebhookEndpointStore.Delivery.cs</c>.
/// </summary>
internal sealed partial class WebhookEndpointStore(Database db, AtRestEncryption secrets, TimeProvider time)
{
    /// <summary>A new endpoint, with its first secret in the clear (sealed on the way in).</summary>
    public sealed record NewEndpoint(string Id, string TenantId, PacSpaceEnvironment Environment, string Url, string? Description, string Events,
        string Secret, string? CreatedBy, long Now);

    /// <summary>The delivery of endpoints to their planes: every synced change below queues the endpoint's state there.</summary>
    public PlaneOutbox Outbox { get; } = new(db, time, "webhook_endpoints");

    private const string Columns =
        "id, tenant_id, environment, url, description, events, enabled, previous_secret_expires_at, created_at, updated_at, "
        + "last_triggered_at, success_count, failure_count, version, synced_version, disabled_at, disabled_reason";

    /// <summary>The endpoint if it belongs to the tenant and is not deleted; a malformed id or another tenant's endpoint is indistinguishable from a missing one.</summary>
    public Task<WebhookEndpointRow?> FindAsync(DbConnection connection, string tenantId, string id, CancellationToken cancellationToken) =>
        Ids.IsValid(id, "wh")
            ? connection.QuerySingleOrDefaultAsync<WebhookEndpointRow>(new CommandDefinition(
                $"SELECT {Columns} FROM webhook_endpoints WHERE id = @id AND tenant_id = @tenantId AND deleted_at IS NULL",
                new { id, tenantId }, cancellationToken: cancellationToken))
            : Task.FromResult<WebhookEndpointRow?>(null);

    /// <summary>One page of the tenant's endpoints, newest first, optionally of one environment.</summary>
    public async Task<(long Total, IReadOnlyList<WebhookEndpointRow> Items)> ListAsync(string tenantId, PacSpaceEnvironment? environment, int page, int limit,
        CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var where = "WHERE tenant_id = @tenantId AND deleted_at IS NULL" + (environment is null ? "" : " AND environment = @env");
        var parameters = new { tenantId, env = environment?.Name(), limit, offset = (page - 1) * limit };
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT COUNT(*) FROM webhook_endpoints {where}", parameters, cancellationToken: cancellationToken));
        var rows = await connection.QueryAsync<WebhookEndpointRow>(new CommandDefinition(
            $"SELECT {Columns} FROM webhook_endpoints {where} ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset",
            parameters, cancellationToken: cancellationToken));
        return (total, rows.ToList());
    }

    /// <summary>
    /// Stores a new, enabled endpoint queued for delivery, unless the tenant already has <paramref name="max"/> endpoints in
    /// its environment; the caller commits. Returns whether it was stored.
    /// </summary>
    public async Task<bool> InsertAsync(DbConnection connection, DbTransaction tx, NewEndpoint e, int max, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO webhook_endpoints (id, tenant_id, environment, url, description, events, enabled, secret, created_at, created_by, updated_at,
                                           version, synced_version, sync_next_attempt_at)
            SELECT @Id, @TenantId, @env, @Url, @Description, @Events, 1, @secret, @Now, @CreatedBy, @Now, 1, 0, @Now
            WHERE (SELECT COUNT(*) FROM webhook_endpoints WHERE tenant_id = @TenantId AND environment = @env AND deleted_at IS NULL) < @max
            """,
            new { e.Id, e.TenantId, env = e.Environment.Name(), e.Url, e.Description, e.Events, secret = secrets.Seal(e.Secret, SecretPurpose(e.Id)), e.Now, e.CreatedBy, max },
            tx, cancellationToken: cancellationToken)) == 1;

    /// <summary>
    /// Sets what a PATCH may change; <paramref name="queueDelivery"/> when the plane must learn of it (not for the description
    /// alone). An enabled endpoint keeps no record of a plane having disabled it.
    /// </summary>
    public Task UpdateAsync(DbConnection connection, DbTransaction tx, string id, string url, string? description, string events, bool enabled,
        bool queueDelivery, long now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE webhook_endpoints SET url = @url, description = @description, events = @events, enabled = @enabled, updated_at = @now
                {(enabled ? ", disabled_at = NULL, disabled_reason = NULL" : "")}
                {(queueDelivery ? ", " + PlaneOutbox.QueueDelivery : "")}
            WHERE id = @id
            """, new { url, description, events, enabled = enabled ? 1L : 0L, now, id }, tx, cancellationToken: cancellationToken));

    /// <summary>
    /// Makes <paramref name="secret"/> the current secret, queued for delivery. The one it replaces stays valid until
    /// <paramref name="previousUntil"/>, or is dropped at once when that is null; a secret kept from an earlier rotation is dropped.
    /// </summary>
    public async Task RotateAsync(DbConnection connection, DbTransaction tx, string id, string secret, long? previousUntil, long now, CancellationToken cancellationToken)
    {
        string? previous = null;
        if (previousUntil is not null)
        {
            var current = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
                "SELECT secret FROM webhook_endpoints WHERE id = @id", new { id }, tx, cancellationToken: cancellationToken));
            previous = secrets.Seal(secrets.Open(current!, SecretPurpose(id)), PreviousSecretPurpose(id));
        }

        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE webhook_endpoints SET secret = @secret, previous_secret = @previous, previous_secret_expires_at = @previousUntil, updated_at = @now,
                {PlaneOutbox.QueueDelivery}
            WHERE id = @id
            """, new { secret = secrets.Seal(secret, SecretPurpose(id)), previous, previousUntil, now, id }, tx, cancellationToken: cancellationToken));
    }

    /// <summary>Deletes the endpoint: its secrets are dropped and the deletion is queued for its plane. Returns whether this call deleted it.</summary>
    public async Task<bool> DeleteAsync(DbConnection connection, DbTransaction tx, string id, long now, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE webhook_endpoints SET deleted_at = @now, updated_at = @now, secret = NULL, previous_secret = NULL, previous_secret_expires_at = NULL,
                {PlaneOutbox.QueueDelivery}
            WHERE id = @id AND deleted_at IS NULL
            """, new { now, id }, tx, cancellationToken: cancellationToken)) == 1;

    /// <summary>Binds a sealed current secret to its row: copied to another row, or to the previous-secret column, it does not open.</summary>
    internal static string SecretPurpose(string id) => "webhook_endpoints.secret/" + id;

    internal static string PreviousSecretPurpose(string id) => "webhook_endpoints.previous_secret/" + id;
}
