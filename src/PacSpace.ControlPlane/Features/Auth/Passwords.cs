using Microsoft.AspNetCore.Identity;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>
/// Password hashing with ASP.NET Core Identity's hasher (PBKDF2-HMAC-SHA512, 100,000 iterations, salted,
/// versioned so the work factor can rise later).
/// </summary>
internal sealed class Passwords
{
    public const int MinLength = 10;
    public const int MaxLength = 256;

    private static readonly object User = new();
    private readonly PasswordHasher<object> _hasher = new();
    private readonly Lazy<string> _dummyHash;

    public Passwords() => _dummyHash = new Lazy<string>(() => _hasher.HashPassword(User, "not-a-real-password-" + Guid.NewGuid()));

    public string Hash(string password) => _hasher.HashPassword(User, password);

    public bool Verify(string? hash, string password)
    {
        // Unknown accounts still pay for one hash, so timing does not reveal which e-mails exist.
        var result = _hasher.VerifyHashedPassword(User, hash ?? _dummyHash.Value, password);
        return hash is not null && result != PasswordVerificationResult.Failed;
    }
}
