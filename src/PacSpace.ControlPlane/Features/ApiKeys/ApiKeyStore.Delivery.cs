using Dapper;
using PacSpace.Contracts.Keys;
using PacSpace.ControlPlane.Jobs;

namespace PacSpace.ControlPlane.Features.ApiKeys;

/// <summary>
/// The api_keys queries of key delivery: a change bumps <c>version</c> (<see cref="ApiKeyRows.QueueDelivery"/>)
/// and the key is pending until <c>synced_version</c> catches up; the <c>sync_*</c> columns lease and retry it.
/// </summary>
internal sealed partial class ApiKeyStore
{
    /// <summary>A key leased for delivery; <paramref name="Attempts"/> counts its failed deliveries so far.</summary>
    public sealed record DueDelivery(string Id, string Environment, long Attempts);

    /// <summary>The state a plane needs, or null when the key is gone.</summary>
    public async Task<KeyStateMessage?> DeliveryStateAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await ApiKeyRows.StateAsync(connection, id, cancellationToken);
    }

    /// <summary>The undelivered changes of one key environment (<c>test</c>, <c>live</c>) after <paramref name="afterId"/>, by id.</summary>
    public async Task<IReadOnlyList<KeyStateMessage>> PendingDeliveriesAsync(string environment, string afterId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await ApiKeyRows.StatesAsync(connection,
            $"k.environment = @environment AND k.synced_version < k.version AND k.id > @afterId ORDER BY k.id LIMIT {limit}",
            new { environment, afterId }, cancellationToken);
    }

    /// <summary>Records that the plane has <paramref name="version"/>; a newer change made meanwhile stays pending.</summary>
    public async Task MarkSyncedAsync(string id, long version, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE api_keys SET synced_version = @version, sync_attempts = 0, sync_last_error = NULL
            WHERE id = @id AND synced_version < @version
            """, new { id, version }, cancellationToken: cancellationToken));
    }

    /// <summary>Leases pending keys that are due to <paramref name="owner"/>.</summary>
    public async Task<IReadOnlyList<DueDelivery>> ClaimDueDeliveriesAsync(string owner, int max, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var until = Leases.Until(now, lease);
        await using var connection = await db.OpenAsync(cancellationToken);
        return await Leases.ClaimAsync<DueDelivery, DueDelivery>(connection,
            new CommandDefinition(
                """
                SELECT id, environment, sync_attempts AS attempts FROM api_keys
                WHERE synced_version < version AND (sync_next_attempt_at IS NULL OR sync_next_attempt_at <= @now)
                  AND (sync_lease_until IS NULL OR sync_lease_until < @now)
                ORDER BY sync_next_attempt_at LIMIT @max
                """, new { now, max }, cancellationToken: cancellationToken),
            key => new CommandDefinition(
                """
                UPDATE api_keys SET sync_lease_owner = @owner, sync_lease_until = @until
                WHERE id = @id AND synced_version < version AND (sync_lease_until IS NULL OR sync_lease_until < @now)
                """, new { owner, until, id = key.Id, now }, cancellationToken: cancellationToken),
            key => key);
    }

    /// <summary>Records a delivery of <paramref name="version"/> and frees the key; never lowers what is synced.</summary>
    public async Task MarkDeliveredAsync(string id, long version)
    {
        // An outcome is recorded even during shutdown, or the key would be delivered again.
        await using var connection = await db.OpenAsync(CancellationToken.None);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE api_keys SET synced_version = CASE WHEN synced_version < @version THEN @version ELSE synced_version END,
                sync_attempts = 0, sync_last_error = NULL, sync_lease_owner = NULL, sync_lease_until = NULL
            WHERE id = @id
            """, new { id, version }));
    }

    /// <summary>Records a failed delivery and when to try again, if <paramref name="owner"/> still holds the key.</summary>
    public async Task RecordDeliveryFailureAsync(string id, string owner, long nextAttemptAt, string failure)
    {
        await using var connection = await db.OpenAsync(CancellationToken.None);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE api_keys SET sync_attempts = sync_attempts + 1, sync_next_attempt_at = @next, sync_last_error = @failure,
                sync_lease_owner = NULL, sync_lease_until = NULL
            WHERE id = @id AND sync_lease_owner = @owner
            """, new { id, next = nextAttemptAt, failure, owner }));
    }

    /// <summary>Moves <c>last_used_at</c> forward to what one page of a plane's usage feed says; never back.</summary>
    public async Task RecordUsageAsync(IReadOnlyList<KeyUsage> usage, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var u in usage)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE api_keys SET last_used_at = @at WHERE public_id = @id AND (last_used_at IS NULL OR last_used_at < @at)",
                new { at = u.LastUsedAt, id = u.PublicId }, tx, cancellationToken: cancellationToken));
        }

        await tx.CommitAsync(cancellationToken);
    }
}
