using Dapper;
using PacSpace.ControlPlane.Jobs;
using PacSpace.Hosting.Data;

namespace PacSpace.ControlPlane.Planes;

/// <summary>
/// The outbox columns of a table whose rows the planes hold copies of (<c>api_keys</c>, <c>webhook_endpoints</c>): a
/// state-based outbox. Every change bumps <c>version</c> in the change's own transaction (<see cref="QueueDelivery"/>),
/// and the row is pending until <c>synced_version</c> catches up; <c>sync_attempts</c>, <c>sync_next_attempt_at</c>,
/// <c>sync_lease_owner</c>, <c>sync_lease_until</c> and <c>sync_last_error</c> lease and retry it. Each row is its own
/// job, and a delivery carries the row's whole latest state, so a burst of changes costs one delivery.
/// </summary>
/// <param name="table">The table's name, a constant of the store that owns it.</param>
internal sealed class PlaneOutbox(Database db, TimeProvider time, string table)
{
    /// <summary>
    /// SET clause that queues the row's current state for delivery to its plane: a newer version, due at once, with a
    /// fresh retry budget. Needs <c>@now</c>.
    /// </summary>
    public const string QueueDelivery = "version = version + 1, sync_next_attempt_at = @now, sync_attempts = 0";

    /// <summary>WHERE condition of a row whose latest state its plane does not have yet.</summary>
    public const string Pending = "synced_version < version";

    /// <summary>A row leased for delivery; <paramref name="Attempts"/> counts its failed deliveries so far.</summary>
    public sealed record Due(string Id, string Environment, long Attempts);

    /// <summary>Records that the plane has <paramref name="version"/> (while a dashboard call is open); a newer change made meanwhile stays pending.</summary>
    public async Task MarkSyncedAsync(string id, long version, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE {table} SET synced_version = @version, sync_attempts = 0, sync_last_error = NULL
            WHERE id = @id AND synced_version < @version
            """, new { id, version }, cancellationToken: cancellationToken));
    }

    /// <summary>Leases pending rows that are due to <paramref name="owner"/>.</summary>
    public async Task<IReadOnlyList<Due>> ClaimDueAsync(string owner, int max, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var until = Leases.Until(now, lease);
        await using var connection = await db.OpenAsync(cancellationToken);
        return await Leases.ClaimAsync<Due, Due>(connection,
            new CommandDefinition(
                $"""
                SELECT id, environment, sync_attempts AS attempts FROM {table}
                WHERE {Pending} AND (sync_next_attempt_at IS NULL OR sync_next_attempt_at <= @now)
                  AND (sync_lease_until IS NULL OR sync_lease_until < @now)
                ORDER BY sync_next_attempt_at LIMIT @max
                """, new { now, max }, cancellationToken: cancellationToken),
            row => new CommandDefinition(
                $"""
                UPDATE {table} SET sync_lease_owner = @owner, sync_lease_until = @until
                WHERE id = @id AND {Pending} AND (sync_lease_until IS NULL OR sync_lease_until < @now)
                """, new { owner, until, id = row.Id, now }, cancellationToken: cancellationToken),
            row => row);
    }

    /// <summary>Records a delivery of <paramref name="version"/> by the job and frees the row; never lowers what is synced.</summary>
    public async Task MarkDeliveredAsync(string id, long version)
    {
        // An outcome is recorded even during shutdown, or the row would be delivered again.
        await using var connection = await db.OpenAsync(CancellationToken.None);
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE {table} SET synced_version = CASE WHEN synced_version < @version THEN @version ELSE synced_version END,
                sync_attempts = 0, sync_last_error = NULL, sync_lease_owner = NULL, sync_lease_until = NULL
            WHERE id = @id
            """, new { id, version }));
    }

    /// <summary>Records a failed delivery and when to try again, if <paramref name="owner"/> still holds the row.</summary>
    public async Task RecordFailureAsync(string id, string owner, long nextAttemptAt, string failure)
    {
        await using var connection = await db.OpenAsync(CancellationToken.None);
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE {table} SET sync_attempts = sync_attempts + 1, sync_next_attempt_at = @next, sync_last_error = @failure,
                sync_lease_owner = NULL, sync_lease_until = NULL
            WHERE id = @id AND sync_lease_owner = @owner
            """, new { id, next = nextAttemptAt, failure, owner }));
    }
}
