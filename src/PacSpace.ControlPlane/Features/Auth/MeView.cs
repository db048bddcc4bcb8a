namespace PacSpace.ControlPlane.Features.Auth;

internal sealed record TenantView(string Id, string Name, string Plan);

/// <summary>The signed-in user with their tenant (<c>GET /dashboard/auth/me</c>, the pages' header).</summary>
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
    TenantView Tenant)
{
    public UserView ToUser() => new(Id, Email, FirstName, LastName, Name, Role, TenantId, IsVerified, PreferredEnvironment);
}
