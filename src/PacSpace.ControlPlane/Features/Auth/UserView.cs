namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>The user object both generations read in the login answer.</summary>
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
