using System.Security.Cryptography;
using System.Text;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>Random bearer secrets (session, verification and approval tokens) and how we store them: only as SHA-256.</summary>
internal static class Secrets
{
    public static string NewToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
