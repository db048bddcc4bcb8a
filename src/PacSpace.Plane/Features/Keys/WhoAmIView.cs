namespace PacSpace.Plane.Features.Keys;

/// <summary>The answer of <c>GET /api/v1/whoami</c>.</summary>
internal sealed record WhoAmIView(string TenantId, string Environment, string KeyId);
