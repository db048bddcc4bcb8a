using System.Data.Common;
using Dapper;

namespace PacSpace.ControlPlane.Features.Auth;

internal sealed record TenantView(string Id, string Name, string Plan);

/// <summary>The user object both generations read (login, <c>me</c>).</summary>
internal sealed record UserView(
    string Id,
    string Email,
    string FirstName,
    string LastName,
    string Name,
    string Role,
    string TenantId,
    bool IsVerified,
    string PreferredEnvironment);

internal sealed record MeView(
    string Id,
    string Email,
    string FirstName,
    string LastName,
    string Name,
    string Role,
    string TenantId,
    bool IsVerified,
    string PreferredEnvironment,
    TenantView Tenant);

internal static class Users
{
    public static async Task<MeView?> LoadAsync(DbConnection connection, string userId, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            """
            SELECT u.id, u.email, u.first_name, u.last_name, u.name, u.role, u.tenant_id, u.is_verified, u.preferred_environment,
                   t.name AS tenant_name, t.plan
            FROM users u JOIN tenants t ON t.id = u.tenant_id WHERE u.id = @userId
            """, new { userId }, cancellationToken: cancellationToken));
        return row is null
            ? null
            : new MeView(row.id, row.email, row.first_name, row.last_name, row.name, row.role, row.tenant_id, row.is_verified != 0,
                row.preferred_environment, new TenantView(row.tenant_id, row.tenant_name, row.plan));
    }

    public static UserView ToUser(this MeView me) =>
        new(me.Id, me.Email, me.FirstName, me.LastName, me.Name, me.Role, me.TenantId, me.IsVerified, me.PreferredEnvironment);

    private sealed record Row(string id, string email, string first_name, string last_name, string name, string role, string tenant_id,
        long is_verified, string preferred_environment, string tenant_name, string plan);
}
