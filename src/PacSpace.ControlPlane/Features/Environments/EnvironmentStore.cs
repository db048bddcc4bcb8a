using System.Data.Common;
using Dapper;
using PacSpace.ControlPlane.Jobs;
using PacSpace.Hosting.Data;

namespace PacSpace.ControlPlane.Features.Environments;

/// <summary>
/// Owner of <c>environments</c>: one row per tenant and environment. A row in <c>activating</c> is also the
/// durable job that activates it (<see cref="ProvisioningJob"/>), leased through <c>lease_owner</c>/<c>lease_until</c>.
/// </summary>
internal sealed class EnvironmentStore(Database db, TimeProvider time)
{
    private const string Columns = "id, tenant_id, environment, status, provisioned_at AS provisioned_at_ms, last_error, activations, attempts, requested_at, requested_by";

    /// <summary>A claimed activation; <see cref="Attempt"/> counts the run just claimed.</summary>
    /// <param name="RequestedAt">When the activation was asked for (Unix ms; 0 if unknown), for its duration.</param>
    public sealed record Activation(string Id, string TenantId, string Environment, long Attempt, long? RequestedAt) : IJobItem;

    /// <summary>At registration: Sandbox starts activating in the same transaction, Production waits.</summary>
    public static Task InsertInitialAsync(DbConnection connection, DbTransaction tx, string tenantId, string userId, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO environments (id, tenant_id, environment, status, requested_by, requested_at, activations, attempts, next_attempt_at, updated_at)
            VALUES (@sandboxId, @tenantId, @sandbox, 'activating', @userId, @now, 1, 0, @now, @now),
                   (@productionId, @tenantId, @production, 'none', NULL, NULL, 0, 0, NULL, @now)
            """,
            new
            {
                sandboxId = Ids.New("ctr", time),
                productionId = Ids.New("ctr", time),
                sandbox = PacSpaceEnvironment.Sandbox.Name(),
                production = PacSpaceEnvironment.Production.Name(),
                tenantId,
                userId,
                now,
            },
            tx, cancellationToken: cancellationToken));
    }

    public static Task<EnvironmentRow?> GetAsync(DbConnection connection, string tenantId, PacSpaceEnvironment env, CancellationToken cancellationToken,
        DbTransaction? tx = null) =>
        connection.QuerySingleOrDefaultAsync<EnvironmentRow>(new CommandDefinition(
            $"SELECT {Columns} FROM environments WHERE tenant_id = @tenantId AND environment = @env",
            new { tenantId, env = env.Name() }, tx, cancellationToken: cancellationToken));

    public async Task<EnvironmentRow?> GetAsync(string tenantId, PacSpaceEnvironment env, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await GetAsync(connection, tenantId, env, cancellationToken);
    }

    /// <summary>The tenant's rows by environment (both exist from registration on).</summary>
    public async Task<IReadOnlyDictionary<PacSpaceEnvironment, EnvironmentRow>> ByEnvironmentAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<EnvironmentRow>(new CommandDefinition(
            $"SELECT {Columns} FROM environments WHERE tenant_id = @tenantId ORDER BY environment DESC",
            new { tenantId }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Name);
    }

    /// <summary>
    /// Moves a row in <c>none</c> or <c>failed</c> to <c>activating</c>, due at once with a fresh retry budget. One
    /// conditional UPDATE, so of many concurrent calls exactly one starts an activation.
    /// </summary>
    /// <returns>Whether this call started one.</returns>
    public async Task<bool> StartActivationAsync(string tenantId, string? userId, PacSpaceEnvironment env, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await StartActivationAsync(connection, null, tenantId, userId, env, cancellationToken);
    }

    /// <summary>Moves a row in <c>none</c> or <c>failed</c> to <c>activating</c>, in <paramref name="tx"/> when given; false when it was in neither.</summary>
    public async Task<bool> StartActivationAsync(DbConnection connection, DbTransaction? tx, string tenantId, string? userId, PacSpaceEnvironment env,
        CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE environments
            SET status = 'activating', requested_by = @userId, requested_at = @now, activations = activations + 1, attempts = 0,
                next_attempt_at = @now, lease_owner = NULL, lease_until = NULL, updated_at = @now
            WHERE tenant_id = @tenantId AND environment = @env AND status IN ('none', 'failed')
            """, new { userId, now = Now(), tenantId, env = env.Name() }, tx, cancellationToken: cancellationToken)) == 1;

    /// <summary>Leases due activations to <paramref name="owner"/>; each claim counts as an attempt.</summary>
    public async Task<IReadOnlyList<Activation>> ClaimDueActivationsAsync(string owner, int max, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = Now();
        var leaseUntil = Leases.Until(now, lease);
        await using var connection = await db.OpenAsync(cancellationToken);
        return await Leases.ClaimAsync<Activation, Activation>(connection,
            new CommandDefinition(
                """
                -- requested_at as the column itself: SQLite types an expression by its value, so with no row due its type is
                -- unknown and the row mapping could not be built.
                SELECT id, tenant_id, environment, attempts AS attempt, requested_at FROM environments
                WHERE status = 'activating' AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until < @now)
                ORDER BY next_attempt_at LIMIT @max
                """, new { now, max }, cancellationToken: cancellationToken),
            job => new CommandDefinition(
                """
                UPDATE environments
                SET lease_owner = @owner, lease_until = @leaseUntil, attempts = attempts + 1, updated_at = @now
                WHERE id = @id AND status = 'activating' AND attempts = @attempts
                  AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until < @now)
                """, new { owner, leaseUntil, now, id = job.Id, attempts = job.Attempt }, cancellationToken: cancellationToken),
            job => job with { Attempt = job.Attempt + 1 });
    }

    public Task MarkActiveAsync(string id, string owner, string origin, string publicKey) => FinishAsync(id, owner,
        """
        status = 'active', provisioned_at = @now, plane_origin = @origin, plane_public_key = @publicKey,
        lease_owner = NULL, lease_until = NULL, next_attempt_at = NULL, updated_at = @now
        """, new { origin, publicKey });

    public Task MarkFailedAsync(string id, string owner, string reason) => FinishAsync(id, owner,
        "status = 'failed', last_error = @reason, lease_owner = NULL, lease_until = NULL, next_attempt_at = NULL, updated_at = @now",
        new { reason });

    public Task ScheduleRetryAsync(string id, string owner, string reason, long nextAttemptAt) => FinishAsync(id, owner,
        "last_error = @reason, lease_owner = NULL, lease_until = NULL, next_attempt_at = @next, updated_at = @now",
        new { reason, next = nextAttemptAt });

    /// <summary>Records an outcome if this owner still holds the lease.</summary>
    private async Task FinishAsync(string id, string owner, string set, object extra)
    {
        var parameters = new DynamicParameters(extra);
        parameters.Add("id", id);
        parameters.Add("owner", owner);
        parameters.Add("now", Now());
        // Recording the outcome must not be cut short by shutdown, or a finished activation would run twice.
        await using var connection = await db.OpenAsync(CancellationToken.None);
        await connection.ExecuteAsync(new CommandDefinition($"UPDATE environments SET {set} WHERE id = @id AND lease_owner = @owner", parameters));
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
