using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>
/// Password hashing with ASP.NET Core Identity's hasher: PBKDF2-HMAC-SHA512, salted, at the work factor the OWASP
/// Password Storage Cheat Sheet gives for that PRF. The count is stored in each hash, so a hash made with fewer
/// iterations still verifies and is upgraded at the owner's next login.
/// </summary>
internal sealed class Passwords
{
    public const int MinLength = 10;
    public const int MaxLength = 256;

    /// <summary>PBKDF2-HMAC-SHA512 iterations for new hashes (earlier versions used 100,000).</summary>
    public const int Iterations = 210_000;

    private static readonly object User = new();
    private readonly PasswordHasher<object> _hasher = new(Options.Create(new PasswordHasherOptions { IterationCount = Iterations }));
    private readonly Lazy<string> _dummyHash;

    public Passwords() => _dummyHash = new Lazy<string>(() => _hasher.HashPassword(User, "not-a-real-password-" + Guid.NewGuid()));

    public string Hash(string password) => _hasher.HashPassword(User, password);

    /// <summary>
    /// Whether <paramref name="password"/> matches; <paramref name="rehash"/> says the stored hash predates today's work
    /// factor and should be replaced by <see cref="Hash"/> of the same password.
    /// </summary>
    public bool Verify(string? hash, string password, out bool rehash)
    {
        // Unknown accounts still pay for one hash, so timing does not reveal which e-mails exist.
        var result = _hasher.VerifyHashedPassword(User, hash ?? _dummyHash.Value, password);
        rehash = hash is not null && result == PasswordVerificationResult.SuccessRehashNeeded;
        return hash is not null && result != PasswordVerificationResult.Failed;
    }
}
