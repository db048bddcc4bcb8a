using System.Data.Common;
using Dapper;

namespace PacSpace.ControlPlane.Features.Billing;

/// <summary>Owner of <c>tenants</c>: the workspace a registration creates and the plan it is on.</summary>
internal sealed class TenantStore
{
    public Task InsertAsync(DbConnection connection, DbTransaction tx, string tenantId, string name, string plan, long now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO tenants (id, name, plan, created_at, plan_changed_at) VALUES (@tenantId, @name, @plan, @now, @now)",
            new { tenantId, name, plan, now }, tx, cancellationToken: cancellationToken));

    /// <summary>The tenant's plan; null for an unknown tenant.</summary>
    public static Task<string?> PlanOfAsync(DbConnection connection, DbTransaction? tx, string tenantId, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT plan FROM tenants WHERE id = @tenantId", new { tenantId }, tx, cancellationToken: cancellationToken));

    public static async Task<bool> ExistsAsync(DbConnection connection, string tenantId, CancellationToken cancellationToken) =>
        await PlanOfAsync(connection, null, tenantId, cancellationToken) is not null;

    /// <summary>Sets the plan; false for an unknown tenant. Downgrading never deletes data.</summary>
    public async Task<bool> SetPlanAsync(DbConnection connection, DbTransaction tx, string tenantId, string plan, long now, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE tenants SET plan = @plan, plan_changed_at = @now WHERE id = @tenantId",
            new { plan, now, tenantId }, tx, cancellationToken: cancellationToken)) == 1;
}
