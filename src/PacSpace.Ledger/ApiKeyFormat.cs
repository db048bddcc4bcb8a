using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;

namespace PacSpace.Ledger;

/// <summary>A newly generated key. <see cref="SecretKey"/> exists only until it has been shown once.</summary>
public sealed record GeneratedApiKey(PacSpaceEnvironment Environment, string PublicId, string PublicKey, string SecretKey)
{
    public string FullKey => PublicKey + "." + SecretKey;
}

/// <summary>
/// The text of an API key: <c>pk_{test|live}_&lt;publicId&gt;.sk_{test|live}_&lt;secret&gt;</c>. The secret is 32 random
/// base62 characters and a 6-character base62 CRC32 of everything before it in the key, so a mistyped or
/// truncated key (public part included) is refused without a lookup. Only SHA-256 of the secret part
/// (<c>sk_…</c>) is ever stored.
/// </summary>
public static class ApiKeyFormat
{
    public const int PublicIdLength = 20;
    public const int RandomLength = 32;
    public const int ChecksumLength = 6;

    private const string TestSecretPrefix = "sk_" + PacSpaceEnvironments.TestKeyName + "_";
    private const string LiveSecretPrefix = "sk_" + PacSpaceEnvironments.LiveKeyName + "_";

    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>Length of <c>pk_test_</c>, <c>pk_live_</c>, <c>sk_test_</c> and <c>sk_live_</c>.</summary>
    public const int PrefixLength = 8;
    public const int PublicKeyLength = PrefixLength + PublicIdLength;
    public const int SecretKeyLength = PrefixLength + RandomLength + ChecksumLength;

    /// <summary>Length of a well-formed full key.</summary>
    public const int FullKeyLength = PublicKeyLength + 1 + SecretKeyLength;

    public static GeneratedApiKey Generate(PacSpaceEnvironment env)
    {
        var name = env.KeyName();
        var publicId = RandomNumberGenerator.GetString(Base62, PublicIdLength);
        var publicKey = $"pk_{name}_{publicId}";
        var body = $"{publicKey}.sk_{name}_{RandomNumberGenerator.GetString(Base62, RandomLength)}";
        var secretKey = body[(PublicKeyLength + 1)..] + Checksum(body);
        return new GeneratedApiKey(env, publicId, publicKey, secretKey);
    }

    /// <summary>
    /// Checks shape, prefixes and checksum without allocating. On success returns the environment the text
    /// names and the ranges of the public id and of the secret key inside <paramref name="text"/>.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out PacSpaceEnvironment env, out Range publicId, out Range secretKey)
    {
        env = default;
        publicId = default;
        secretKey = default;
        if (text.Length != FullKeyLength || text[PublicKeyLength] != '.')
        {
            return false;
        }

        if (text.StartsWith(PacSpaceEnvironments.TestKeyPrefix) && text[(PublicKeyLength + 1)..].StartsWith(TestSecretPrefix))
        {
            env = PacSpaceEnvironment.Sandbox;
        }
        else if (text.StartsWith(PacSpaceEnvironments.LiveKeyPrefix) && text[(PublicKeyLength + 1)..].StartsWith(LiveSecretPrefix))
        {
            env = PacSpaceEnvironment.Production;
        }
        else
        {
            return false;
        }

        publicId = new Range(PrefixLength, PublicKeyLength);
        secretKey = new Range(PublicKeyLength + 1, FullKeyLength);
        if (!IsBase62(text[publicId]) || !IsBase62(text[(PublicKeyLength + 1 + PrefixLength)..]))
        {
            return false;
        }

        Span<char> expected = stackalloc char[ChecksumLength];
        WriteChecksum(text[..^ChecksumLength], expected);
        return text[^ChecksumLength..].SequenceEqual(expected);
    }

    /// <summary>True when <paramref name="publicId"/> has the shape of a public id (for routes that take one).</summary>
    public static bool IsPublicId(ReadOnlySpan<char> publicId) => publicId.Length == PublicIdLength && IsBase62(publicId);

    /// <summary>SHA-256 of the secret part (<c>sk_…</c>), written into <paramref name="destination"/> (32 bytes).</summary>
    public static void HashSecret(ReadOnlySpan<char> secretKey, Span<byte> destination)
    {
        Span<byte> utf8 = stackalloc byte[SecretKeyLength];
        var n = Encoding.ASCII.GetBytes(secretKey.Length <= SecretKeyLength ? secretKey : secretKey[..SecretKeyLength], utf8);
        SHA256.HashData(utf8[..n], destination);
    }

    public static string HashSecretHex(string secretKey)
    {
        Span<byte> hash = stackalloc byte[32];
        HashSecret(secretKey, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>The 6-character base62 CRC32 of <paramref name="body"/> (everything before the checksum in a key).</summary>
    public static string Checksum(ReadOnlySpan<char> body)
    {
        Span<char> chars = stackalloc char[ChecksumLength];
        WriteChecksum(body, chars);
        return new string(chars);
    }

    private static void WriteChecksum(ReadOnlySpan<char> body, Span<char> destination)
    {
        Span<byte> ascii = stackalloc byte[FullKeyLength];
        var n = Encoding.ASCII.GetBytes(body, ascii);
        var crc = Crc32.HashToUInt32(ascii[..n]);
        // 62^6 > 2^32, so six digits always suffice; left-padded with '0'.
        for (var i = ChecksumLength - 1; i >= 0; i--)
        {
            destination[i] = Base62[(int)(crc % 62)];
            crc /= 62;
        }
    }

    private static bool IsBase62(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
