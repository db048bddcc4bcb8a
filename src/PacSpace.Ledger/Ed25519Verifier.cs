using NSec.Cryptography;

namespace PacSpace.Ledger;

/// <summary>
/// Verifies Ed25519 signatures from raw key bytes.
/// </summary>
/// <remarks>
/// Verifiers usually hold only a public key taken from configuration or a vkey, so this
/// works on raw bytes rather than on a <see cref="LogSigningKey"/>. Keys and signatures
/// are untrusted input here, so malformed ones yield <see langword="false"/> instead of
/// an exception that a caller might forget to catch.
/// </remarks>
public static class Ed25519Verifier
{
    /// <summary>Length of an Ed25519 signature.</summary>
    public const int SignatureSize = 64;

    /// <returns><see langword="true"/> only if the key is a valid Ed25519 public key and the signature checks out.</returns>
    public static bool Verify(ReadOnlySpan<byte> publicKey32, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (publicKey32.Length != LogSigningKey.PublicKeySize || signature.Length != SignatureSize)
        {
            return false;
        }

        var algorithm = SignatureAlgorithm.Ed25519;
        if (!PublicKey.TryImport(algorithm, publicKey32, KeyBlobFormat.RawPublicKey, out var publicKey)
            || publicKey is null)
        {
            return false;
        }

        return algorithm.Verify(publicKey, data, signature);
    }
}
