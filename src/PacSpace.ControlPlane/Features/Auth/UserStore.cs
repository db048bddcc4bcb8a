using System.Data.Common;
using Dapper;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>Owner of <c>users</c>: accounts, their password state and their preferences.</summary>
internal sealed class UserStore
{
    /// <summary>A new tenant's first user.</summary>
    public sealed record NewOwner(
        string Id,
        string TenantId,
        string Email,
        string EmailNormalized,
        string PasswordHash,
        string FirstName,
        string LastName,
        string Name,
        string? BuyerMode,
        long CreatedAt);

    /// <summary>What a login checks. Settable: <c>totp_secret</c> is usually NULL, which SQLite gives no type.</summary>
    public sealed class Credentials
    {
        public string Id { get; set; } = "";

        public string PasswordHash { get; set; } = "";

        public long IsVerified { get; set; }

        /// <summary>The sealed TOTP secret when two-factor authentication is on.</summary>
        public string? TotpSecret { get; set; }
    }

    public sealed record PendingUser(string Id, string Email);

    public sealed record Account(string Id, string Email, string TenantId);

    public async Task<bool> EmailTakenAsync(DbConnection connection, string normalized, CancellationToken cancellationToken, DbTransaction? tx = null) =>
        await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM users WHERE email_normalized = @normalized", new { normalized }, tx, cancellationToken: cancellationToken)) > 0;

    public Task InsertOwnerAsync(DbConnection connection, DbTransaction tx, NewOwner user, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO users (id, tenant_id, email, email_normalized, password_hash, first_name, last_name, name, role, buyer_mode, created_at)
            VALUES (@Id, @TenantId, @Email, @EmailNormalized, @PasswordHash, @FirstName, @LastName, @Name, 'owner', @BuyerMode, @CreatedAt)
            """, user, tx, cancellationToken: cancellationToken));

    public Task<Credentials?> FindCredentialsAsync(DbConnection connection, string normalized, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<Credentials>(new CommandDefinition(
            "SELECT id, password_hash, is_verified, totp_secret FROM users WHERE email_normalized = @normalized",
            new { normalized }, cancellationToken: cancellationToken));

    public Task<string?> PasswordHashAsync(DbConnection connection, string userId, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT password_hash FROM users WHERE id = @userId", new { userId }, cancellationToken: cancellationToken));

    public Task SetPasswordHashAsync(DbConnection connection, string userId, string hash, CancellationToken cancellationToken, DbTransaction? tx = null) =>
        connection.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET password_hash = @hash WHERE id = @userId", new { hash, userId }, tx, cancellationToken: cancellationToken));

    public Task MarkVerifiedAsync(DbConnection connection, DbTransaction tx, string userId, long now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET is_verified = 1, verified_at = COALESCE(verified_at, @now) WHERE id = @userId",
            new { now, userId }, tx, cancellationToken: cancellationToken));

    public Task<PendingUser?> FindUnverifiedAsync(DbConnection connection, string normalized, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<PendingUser>(new CommandDefinition(
            "SELECT id, email FROM users WHERE email_normalized = @normalized AND is_verified = 0",
            new { normalized }, cancellationToken: cancellationToken));

    public Task<Account?> FindByEmailAsync(DbConnection connection, string normalized, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<Account>(new CommandDefinition(
            "SELECT id, email, tenant_id FROM users WHERE email_normalized = @normalized", new { normalized }, cancellationToken: cancellationToken));

    public Task<Account?> FindByIdAsync(DbConnection connection, string userId, CancellationToken cancellationToken, DbTransaction? tx = null) =>
        connection.QuerySingleOrDefaultAsync<Account>(new CommandDefinition(
            "SELECT id, email, tenant_id FROM users WHERE id = @userId", new { userId }, tx, cancellationToken: cancellationToken));

    /// <summary>The verified e-mail addresses of the tenant's owners, oldest account first: who is told what PacSpace did to the account by itself.</summary>
    public async Task<IReadOnlyList<string>> OwnerEmailsAsync(DbConnection connection, string tenantId, CancellationToken cancellationToken, DbTransaction? tx = null) =>
        (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT email FROM users WHERE tenant_id = @tenantId AND role = 'owner' AND is_verified = 1 ORDER BY created_at, id",
            new { tenantId }, tx, cancellationToken: cancellationToken))).ToList();

    public Task SetPreferredEnvironmentAsync(DbConnection connection, string userId, string name, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET preferred_environment = @name WHERE id = @userId", new { name, userId }, cancellationToken: cancellationToken));

    /// <summary>The environment the user works in (<c>sandbox</c>, <c>production</c>), as saved.</summary>
    public async Task<PacSpaceEnvironment> PreferredEnvironmentAsync(DbConnection connection, string userId, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT preferred_environment FROM users WHERE id = @userId", new { userId }, cancellationToken: cancellationToken)) is { } stored
            ? PacSpaceEnvironments.FromStored(stored)
            : PacSpaceEnvironment.Sandbox;

    public Task<string?> TenantIdOfAsync(DbConnection connection, string normalized, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT tenant_id FROM users WHERE email_normalized = @normalized", new { normalized }, cancellationToken: cancellationToken));

    /// <summary>The user with their tenant, as <c>me</c>, the login answer and the pages' header show them.</summary>
    public static async Task<MeView?> LoadMeAsync(DbConnection connection, string userId, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<MeRow>(new CommandDefinition(
            """
            SELECT u.id, u.email, u.first_name, u.last_name, u.name, u.role, u.tenant_id, u.is_verified, u.preferred_environment,
                   t.name AS tenant_name, t.plan
            FROM users u JOIN tenants t ON t.id = u.tenant_id WHERE u.id = @userId
            """, new { userId }, cancellationToken: cancellationToken));
        return row is null
            ? null
            : new MeView(row.Id, row.Email, row.FirstName, row.LastName, row.Name, row.Role, row.TenantId, row.IsVerified != 0,
                row.PreferredEnvironment, new TenantView(row.TenantId, row.TenantName, row.Plan));
    }

    private sealed record MeRow(string Id, string Email, string FirstName, string LastName, string Name, string Role, string TenantId,
        long IsVerified, string PreferredEnvironment, string TenantName, string Plan);
}
