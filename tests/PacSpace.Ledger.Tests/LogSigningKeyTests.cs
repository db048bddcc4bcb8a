namespace PacSpace.Ledger.Tests;

public sealed class LogSigningKeyTests
{
    // RFC 8032 section 7.1, TEST 1 (empty message).
    private const string Rfc8032Seed = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    private const string Rfc8032PublicKey = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    private const string Rfc8032Signature =
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

    [Fact]
    public void Import_Rfc8032Seed_DerivesDocumentedPublicKeyAndSignature()
    {
        using var key = LogSigningKey.Import(Convert.FromHexString(Rfc8032Seed));

        Assert.Equal(Rfc8032PublicKey, Hex.Encode(key.PublicKey));
        Assert.Equal(Rfc8032Signature, Hex.Encode(key.Sign([])));
    }

    [Fact]
    public void Verify_Rfc8032Signature_ReturnsTrue()
    {
        Assert.True(Ed25519Verifier.Verify(
            Convert.FromHexString(Rfc8032PublicKey), [], Convert.FromHexString(Rfc8032Signature)));
    }

    [Fact]
    public void ExportPrivateKey_ThenImport_RestoresSameKey()
    {
        using var original = LogSigningKey.Generate();
        var seed = original.ExportPrivateKey();

        using var restored = LogSigningKey.Import(seed);

        Assert.Equal(32, seed.Length);
        Assert.Equal(original.PublicKey, restored.PublicKey);
        Assert.Equal(original.Sign("entry"u8), restored.Sign("entry"u8));
    }

    [Fact]
    public void Generate_TwoKeys_HaveDistinctPublicKeys()
    {
        using var first = LogSigningKey.Generate();
        using var second = LogSigningKey.Generate();

        Assert.Equal(32, first.PublicKey.Length);
        Assert.NotEqual(first.PublicKey, second.PublicKey);
    }

    [Fact]
    public void PublicKey_CallerMutatesCopy_KeyUnaffected()
    {
        using var key = LogSigningKey.Generate();
        var copy = key.PublicKey;
        copy[0] ^= 0xff;

        Assert.NotEqual(copy, key.PublicKey);
    }

    [Fact]
    public void Sign_AnyData_VerifiesOnlyForSameDataAndKey()
    {
        using var key = LogSigningKey.Generate();
        using var other = LogSigningKey.Generate();
        var signature = key.Sign("checkpoint"u8);

        Assert.Equal(64, signature.Length);
        Assert.True(Ed25519Verifier.Verify(key.PublicKey, "checkpoint"u8, signature));
        Assert.False(Ed25519Verifier.Verify(key.PublicKey, "checkpoinT"u8, signature));
        Assert.False(Ed25519Verifier.Verify(other.PublicKey, "checkpoint"u8, signature));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    public void Import_SeedNotThirtyTwoBytes_ThrowsArgumentException(int length)
    {
        Assert.Throws<ArgumentException>(() => LogSigningKey.Import(new byte[length]));
    }

    [Fact]
    public void Sign_AfterDispose_ThrowsObjectDisposed()
    {
        var key = LogSigningKey.Generate();
        key.Dispose();
        key.Dispose();

        Assert.Throws<ObjectDisposedException>(() => key.Sign([1]));
        Assert.Throws<ObjectDisposedException>(() => key.ExportPrivateKey());
        Assert.Throws<ObjectDisposedException>(() => key.PublicKey);
    }

    [Theory]
    [InlineData(31, 64)]
    [InlineData(33, 64)]
    [InlineData(32, 63)]
    [InlineData(32, 65)]
    [InlineData(0, 0)]
    public void Verify_MalformedKeyOrSignatureLength_ReturnsFalse(int keyLength, int signatureLength)
    {
        using var key = LogSigningKey.Generate();
        var signature = key.Sign("data"u8);
        var publicKey = key.PublicKey;

        var keyBytes = new byte[keyLength];
        publicKey.AsSpan(0, Math.Min(keyLength, 32)).CopyTo(keyBytes);
        var signatureBytes = new byte[signatureLength];
        signature.AsSpan(0, Math.Min(signatureLength, 64)).CopyTo(signatureBytes);

        Assert.False(Ed25519Verifier.Verify(keyBytes, "data"u8, signatureBytes));
    }

    [Fact]
    public void Verify_AnySingleBitFlipInSignature_ReturnsFalse()
    {
        using var key = LogSigningKey.Generate();
        var signature = key.Sign("data"u8);

        for (var bit = 0; bit < signature.Length * 8; bit++)
        {
            var mutated = (byte[])signature.Clone();
            mutated[bit / 8] ^= (byte)(1 << (bit % 8));

            Assert.False(Ed25519Verifier.Verify(key.PublicKey, "data"u8, mutated), $"bit {bit}");
        }
    }

    [Fact]
    public void Verify_GarbagePublicKeyBytes_ReturnsFalse()
    {
        using var key = LogSigningKey.Generate();
        var signature = key.Sign("data"u8);

        Assert.False(Ed25519Verifier.Verify(new byte[32], "data"u8, signature));
        Assert.False(Ed25519Verifier.Verify(Enumerable.Repeat((byte)0xff, 32).ToArray(), "data"u8, signature));
    }
}
