using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace PacSpace.Hosting.Secrets;

/// <summary>
/// Section <c>Secrets</c>: the key-encryption key (KEK) that seals secrets stored in the databases (plane signing
/// keys, the control plane's Data Protection key ring). Base64 of 32 random bytes, given directly or in a file.
/// </summary>
public sealed class AtRestOptions
{
    /// <summary>The current KEK, base64 of 32 bytes. Either this or <see cref="KeyEncryptionKeyFile"/>.</summary>
    public string KeyEncryptionKey { get; set; } = "";

    /// <summary>A file holding the current KEK (base64 text), e.g. a mounted secret.</summary>
    public string KeyEncryptionKeyFile { get; set; } = "";

    /// <summary>Earlier KEKs, still accepted for reading while their values are re-sealed with the current one.</summary>
    public string[] PreviousKeyEncryptionKeys { get; set; } = [];

    internal byte[]? Current() =>
        Decode(KeyEncryptionKey.Length > 0 ? KeyEncryptionKey : KeyEncryptionKeyFile.Length > 0 && File.Exists(KeyEncryptionKeyFile) ? File.ReadAllText(KeyEncryptionKeyFile).Trim() : "");

    internal static byte[]? Decode(string base64)
    {
        var buffer = new byte[32];
        return Convert.TryFromBase64String(base64, buffer, out var n) && n == 32 ? buffer : null;
    }
}

/// <summary>
/// Seals short secrets for storage with AES-256-GCM under the KEK: <c>enc:v1:&lt;kek id&gt;:&lt;base64 nonce‖ciphertext‖tag&gt;</c>.
/// The purpose (table, column and row) is authenticated with it, so a sealed value copied to another row does not
/// open. Values written before sealing existed (no <c>enc:</c> prefix) are read as they are until re-sealed.
/// </summary>
public sealed class AtRestEncryption
{
    private const string Prefix = "enc:v1:";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly byte[] _current;
    private readonly Dictionary<string, byte[]> _keys;

    public AtRestEncryption(IOptions<AtRestOptions> options)
    {
        _current = options.Value.Current() ?? throw new InvalidOperationException("Secrets:KeyEncryptionKey is not set.");
        CurrentKeyId = KeyId(_current);
        _keys = new Dictionary<string, byte[]>(StringComparer.Ordinal) { [CurrentKeyId] = _current };
        foreach (var previous in options.Value.PreviousKeyEncryptionKeys.Select(AtRestOptions.Decode).OfType<byte[]>())
        {
            _keys.TryAdd(KeyId(previous), previous);
        }
    }

    /// <summary>Names the current KEK inside sealed values (a hash prefix, never the key).</summary>
    public string CurrentKeyId { get; }

    public string Seal(string plaintext, string purpose)
    {
        var data = Encoding.UTF8.GetBytes(plaintext);
        var sealedBytes = new byte[NonceSize + data.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_current, TagSize);
        aes.Encrypt(nonce, data, sealedBytes.AsSpan(NonceSize, data.Length), sealedBytes.AsSpan(NonceSize + data.Length), Encoding.UTF8.GetBytes(purpose));
        CryptographicOperations.ZeroMemory(data);
        return $"{Prefix}{CurrentKeyId}:{Convert.ToBase64String(sealedBytes)}";
    }

    /// <summary>Opens a sealed value (or passes a value from before sealing through). Throws when the KEK is unknown or the value was altered.</summary>
    public string Open(string stored, string purpose)
    {
        if (!IsSealed(stored))
        {
            return stored;
        }

        var rest = stored.AsSpan(Prefix.Length);
        var colon = rest.IndexOf(':');
        var keyId = rest[..colon].ToString();
        if (!_keys.TryGetValue(keyId, out var key))
        {
            throw new CryptographicException($"A stored secret is sealed with KEK {keyId}, which is neither Secrets:KeyEncryptionKey nor one of Secrets:PreviousKeyEncryptionKeys.");
        }

        var sealedBytes = Convert.FromBase64String(rest[(colon + 1)..].ToString());
        var data = new byte[sealedBytes.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, data.Length), sealedBytes.AsSpan(NonceSize + data.Length), data, Encoding.UTF8.GetBytes(purpose));
        return Encoding.UTF8.GetString(data);
    }

    /// <summary>Whether a stored value should be re-sealed: from before sealing, or sealed with an earlier KEK.</summary>
    public bool NeedsSealing(string stored) => !stored.StartsWith($"{Prefix}{CurrentKeyId}:", StringComparison.Ordinal);

    public static bool IsSealed(string stored) => stored.StartsWith(Prefix, StringComparison.Ordinal);

    private static string KeyId(byte[] key) => Convert.ToHexStringLower(SHA256.HashData(key))[..8];
}

public static class AtRestEncryptionSetup
{
    public static IServiceCollection AddAtRestEncryption(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AtRestOptions>().Bind(configuration.GetSection("Secrets"))
            .Validate(o => o.Current() is not null,
                "Secrets:KeyEncryptionKey (or Secrets:KeyEncryptionKeyFile) must hold base64 of 32 random bytes: it seals the signing keys and key ring stored in the databases.")
            .Validate(o => o.PreviousKeyEncryptionKeys.All(k => AtRestOptions.Decode(k) is not null), "Secrets:PreviousKeyEncryptionKeys must each be base64 of 32 bytes.")
            .ValidateOnStart();
        services.AddSingleton<AtRestEncryption>();
        return services;
    }
}
