using System.Data.Common;
using System.Security.Cryptography;
using OtpNet;
using PacSpace.Hosting.Secrets;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>
/// Time-based one-time passwords (RFC 6238 through Otp.NET: SHA-1, 6 digits, 30-second steps, one step of clock
/// drift either way) and recovery codes. A TOTP secret is stored sealed under the key-encryption key and bound to its
/// user; a code's time step is used once; recovery codes are random, shown once and stored as hashes.
/// </summary>
internal sealed class TwoFactor(TwoFactorStore store, AtRestEncryption secrets, TimeProvider time)
{
    public const int RecoveryCodeCount = 10;
    public const string Issuer = "PacSpace";
    private const string Alphabet = "abcdefghjkmnpqrstuvwxyz23456789";

    /// <summary>A new random secret (160 bits, the RFC 4226 recommendation) in Base32, as authenticator apps take it.</summary>
    public static string NewSecret() => Base32Encoding.ToString(KeyGeneration.GenerateRandomKey(20));

    public static string OtpAuthUri(string base32Secret, string email) =>
        new OtpUri(OtpType.Totp, base32Secret, email, Issuer).ToString();

    public string Seal(string userId, string base32Secret) => secrets.Seal(base32Secret, Purpose(userId));

    public string Open(string userId, string sealedSecret) => secrets.Open(sealedSecret, Purpose(userId));

    /// <summary>The time step a code matches for this secret now, or null.</summary>
    public long? Match(string base32Secret, string code)
    {
        var digits = code.Replace(" ", "", StringComparison.Ordinal);
        if (digits.Length != 6 || !digits.All(char.IsAsciiDigit))
        {
            return null;
        }

        var totp = new Totp(Base32Encoding.ToBytes(base32Secret));
        return totp.VerifyTotp(time.GetUtcNow().UtcDateTime, digits, out var step, VerificationWindow.RfcSpecifiedNetworkDelay) ? step : null;
    }

    /// <summary>
    /// Whether <paramref name="code"/> opens a login of this user: a TOTP code whose step has not been used, or an
    /// unused recovery code (which is then used up).
    /// </summary>
    public async Task<bool> CheckAsync(DbConnection connection, string userId, string sealedSecret, string code, CancellationToken ct)
    {
        if (Match(Open(userId, sealedSecret), code) is long step)
        {
            return await store.UseStepAsync(connection, userId, step, ct);
        }

        return NormalizeRecoveryCode(code) is { } recovery
            && await store.UseRecoveryCodeAsync(connection, userId, HashRecoveryCode(userId, recovery), time.GetUtcNow().ToUnixTimeMilliseconds(), ct);
    }

    /// <summary>New recovery codes (shown to the user once) and their hashes (stored).</summary>
    public static (IReadOnlyList<string> Codes, IReadOnlyList<string> Hashes) NewRecoveryCodes(string userId)
    {
        var codes = Enumerable.Range(0, RecoveryCodeCount)
            .Select(_ => RandomNumberGenerator.GetString(Alphabet, 10))
            .Select(c => $"{c[..5]}-{c[5..]}")
            .ToList();
        return (codes, codes.Select(c => HashRecoveryCode(userId, NormalizeRecoveryCode(c)!)).ToList());
    }

    private static string? NormalizeRecoveryCode(string code)
    {
        var plain = new string(code.Where(c => c is not ('-' or ' ')).Select(char.ToLowerInvariant).ToArray());
        return plain.Length == 10 && plain.All(c => Alphabet.Contains(c, StringComparison.Ordinal)) ? plain : null;
    }

    private static string HashRecoveryCode(string userId, string normalized) => Secrets.Hash($"recovery-code\n{userId}\n{normalized}");

    private static string Purpose(string userId) => $"users.totp_secret:{userId}";
}
