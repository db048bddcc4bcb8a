using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>
/// Issues the JWT that goes with a session. Every JWT names its server-side session (<c>sid</c>), so logging
/// out ends the bearer token and the cookie together.
/// </summary>
internal sealed class JwtIssuer(IOptions<AuthOptions> options)
{
    public const string Issuer = "pacspace";
    public const string Audience = "pacspace-dashboard";

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly SymmetricSecurityKey _key = new(Convert.FromBase64String(options.Value.JwtSigningKey));

    public string Issue(string userId, string tenantId, string sessionId, DateTimeOffset now, DateTimeOffset expiresAt) =>
        _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expiresAt.UtcDateTime,
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.HmacSha256),
            Claims = new Dictionary<string, object>
            {
                [DashboardClaims.UserId] = userId,
                [DashboardClaims.TenantId] = tenantId,
                [DashboardClaims.SessionId] = sessionId,
            },
        });

    public async Task<string?> ValidateAsync(string token, DateTimeOffset now)
    {
        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = Audience,
            IssuerSigningKey = _key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ClockSkew = TimeSpan.FromSeconds(30),
            LifetimeValidator = (notBefore, expires, _, _) =>
                expires is { } e && e > now.UtcDateTime && (notBefore is null || notBefore <= now.UtcDateTime.AddSeconds(30)),
        });
        return result.IsValid && result.Claims.TryGetValue(DashboardClaims.SessionId, out var sid) ? sid as string : null;
    }
}
