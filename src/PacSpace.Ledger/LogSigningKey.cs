using NSec.Cryptography;

namespace PacSpace.Ledger;

/// <summary>
/// The Ed25519 key a log signs its checkpoints with.
/// </summary>
/// <remarks>
/// Ed25519 is the signature type C2SP signed notes and the wider transparency-log
/// ecosystem expect, and it is deterministic, so a checkpoint signed twice yields the
/// same note. The private key stays inside NSec's protected memory; the only way out is
/// <see cref="ExportPrivateKey"/>, which exists because the host must persist the seed
/// somewhere and this library does no I/O. Dispose the key to wipe it.
/// </remarks>
public sealed class LogSigningKey : IDisposable
{
    /// <summary>Length of the raw Ed25519 seed accepted by <see cref="Import"/>.</summary>
    public const int PrivateKeySize = 32;

    /// <summary>Length of the raw Ed25519 public key.</summary>
    public const int PublicKeySize = 32;

    private static readonly SignatureAlgorithm Algorithm = SignatureAlgorithm.Ed25519;

    private readonly Key _key;
    private readonly byte[] _publicKey;
    private bool _disposed;

    private LogSigningKey(Key key)
    {
        _key = key;
        _publicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
    }

    /// <summary>The raw 32-byte public key; a fresh copy, so callers cannot alter the key's identity.</summary>
    /// <exception cref="ObjectDisposedException">The key was disposed.</exception>
    public byte[] PublicKey
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return (byte[])_publicKey.Clone();
        }
    }

    /// <summary>Creates a new random key from the OS CSPRNG (via libsodium).</summary>
    public static LogSigningKey Generate()
    {
        var parameters = ExportableParameters();
        return new LogSigningKey(Key.Create(Algorithm, in parameters));
    }

    /// <summary>Restores a key from the 32-byte seed produced by <see cref="ExportPrivateKey"/>.</summary>
    /// <exception cref="ArgumentException">The seed is not 32 bytes.</exception>
    public static LogSigningKey Import(ReadOnlySpan<byte> privateKeySeed32)
    {
        if (privateKeySeed32.Length != PrivateKeySize)
        {
            throw new ArgumentException($"An Ed25519 seed must be {PrivateKeySize} bytes.", nameof(privateKeySeed32));
        }

        var parameters = ExportableParameters();
        return new LogSigningKey(Key.Import(Algorithm, privateKeySeed32, KeyBlobFormat.RawPrivateKey, in parameters));
    }

    /// <summary>
    /// Returns the 32-byte seed so the host can store it; treat the result as a secret and
    /// clear it (<see cref="System.Security.Cryptography.CryptographicOperations.ZeroMemory"/>) after use.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The key was disposed.</exception>
    public byte[] ExportPrivateKey()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _key.Export(KeyBlobFormat.RawPrivateKey);
    }

    /// <summary>Signs raw bytes and returns the 64-byte Ed25519 signature.</summary>
    /// <exception cref="ObjectDisposedException">The key was disposed.</exception>
    public byte[] Sign(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Algorithm.Sign(_key, data);
    }

    /// <summary>Wipes the private key from memory.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _key.Dispose();
    }

    // Export must be allowed at creation time; NSec refuses it otherwise, and the host needs the seed.
    private static KeyCreationParameters ExportableParameters() =>
        new() { ExportPolicy = KeyExportPolicies.AllowPlaintextExport };
}
