using System.Data.Common;
using Dapper;
using PacSpace.Hosting.Data;

namespace PacSpace.ControlPlane.Features.Environments;

/// <summary>
/// The two vocabularies of the same state. Rows store the current one (<c>sandbox</c>, <c>none</c>…); the
/// V3.6 routes translate on the way out (<c>testnet</c>, <c>not_provisioned</c>…).
/// </summary>
internal static class Vocabulary
{
    public const string None = "none";
    public const string Activating = "activating";
    public const string Active = "active";
    public const string Failed = "failed";

    public static string V36Status(string status) => status switch
    {
        None => "not_provisioned",
        Activating => "provisioning",
        Failed => "error",
        _ => status,
    };
}

internal sealed record EnvironmentRow(
    string id,
    string tenant_id,
    string environment,
    string status,
    long? provisioned_at,
    string? last_error,
    long activations,
    long attempts,
    long? requested_at,
    string? requested_by)
{
    public PacSpaceEnvironment Name => PacSpaceEnvironments.FromStored(environment);

    public DateTimeOffset? ProvisionedAt => provisioned_at is long ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
}

internal static class EnvironmentRows
{
    private const string Columns = "id, tenant_id, environment, status, provisioned_at, last_error, activations, attempts, requested_at, requested_by";

    /// <summary>At registration: Sandbox starts activating in the same transaction, Production waits.</summary>
    public static Task InsertInitialAsync(DbConnection connection, DbTransaction tx, string tenantId, string userId, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO environments (id, tenant_id, environment, status, requested_by, requested_at, activations, attempts, next_attempt_at, updated_at)
            VALUES (@sandboxId, @tenantId, 'sandbox', 'activating', @userId, @now, 1, 0, @now, @now),
                   (@productionId, @tenantId, 'production', 'none', NULL, NULL, 0, 0, NULL, @now)
            """,
            new { sandboxId = Ids.New("ctr", time), productionId = Ids.New("ctr", time), tenantId, userId, now },
            tx, cancellationToken: cancellationToken));
    }

    public static async Task<IReadOnlyList<EnvironmentRow>> ListAsync(DbConnection connection, string tenantId, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<EnvironmentRow>(new CommandDefinition(
            $"SELECT {Columns} FROM environments WHERE tenant_id = @tenantId ORDER BY environment DESC",
            new { tenantId }, cancellationToken: cancellationToken))).ToList();

    public static Task<EnvironmentRow?> GetAsync(DbConnection connection, string tenantId, PacSpaceEnvironment env, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<EnvironmentRow>(new CommandDefinition(
            $"SELECT {Columns} FROM environments WHERE tenant_id = @tenantId AND environment = @env",
            new { tenantId, env = env.Name() }, cancellationToken: cancellationToken));
}
