using System.Security.Cryptography;
using System.Text;

namespace PacSpace.Ledger.Tests;

public sealed class SignedNoteTests : IDisposable
{
    private const string KeyName = "pacspace.example/log";
    private const string Body = "pacspace.example/log\n42\nq1y6wRQzyVzNQkgDo8Op2+qmzK5YRtVhU6ClxzM2ZtY=\n";

    // The example key, vkey and signed note from the documentation of Go's golang.org/x/mod/sumdb/note.
    private const string GoExampleSeedBase64 = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    private const string GoExampleVerifierKey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    private const string GoExampleText =
        "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    private const string GoExampleSignatureLine =
        "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

    private readonly LogSigningKey _key = LogSigningKey.Generate();

    public void Dispose() => _key.Dispose();

    [Fact]
    public void Sign_ThenVerify_ReturnsTrueAndOriginalBody()
    {
        var note = SignedNote.Sign(Body, KeyName, _key);

        Assert.True(SignedNote.Verify(note, KeyName, _key.PublicKey, out var body));
        Assert.Equal(Body, body);
    }

    [Fact]
    public void Sign_AnyBody_ProducesBodyBlankLineAndEmDashSignatureLine()
    {
        var note = SignedNote.Sign(Body, KeyName, _key);

        var prefix = Body + "\n\u2014 " + KeyName + " ";
        Assert.StartsWith(prefix, note, StringComparison.Ordinal);
        Assert.EndsWith("\n", note, StringComparison.Ordinal);
        var blob = Convert.FromBase64String(note[prefix.Length..^1]);
        Assert.Equal(4 + 64, blob.Length);
        Assert.True(Ed25519Verifier.Verify(_key.PublicKey, Encoding.UTF8.GetBytes(Body), blob.AsSpan(4)));
    }

    [Fact]
    public void Sign_GoSumdbNoteExample_ProducesDocumentedNote()
    {
        using var key = LogSigningKey.Import(Convert.FromBase64String(GoExampleSeedBase64).AsSpan(1));

        var note = SignedNote.Sign(GoExampleText, "PeterNeumann", key);

        Assert.Equal(GoExampleText + "\n" + GoExampleSignatureLine, note);
    }

    [Fact]
    public void VerifierKey_GoSumdbNoteExample_MatchesDocumentedVkey()
    {
        using var key = LogSigningKey.Import(Convert.FromBase64String(GoExampleSeedBase64).AsSpan(1));

        Assert.Equal(GoExampleVerifierKey, SignedNote.VerifierKey("PeterNeumann", key.PublicKey));
    }

    [Fact]
    public void Verify_GoSumdbNoteExample_ReturnsTrue()
    {
        Assert.True(SignedNote.TryParseVerifierKey(GoExampleVerifierKey, out var name, out var publicKey));

        Assert.True(SignedNote.Verify(GoExampleText + "\n" + GoExampleSignatureLine, name!, publicKey, out var body));
        Assert.Equal(GoExampleText, body);
    }

    [Theory]
    [InlineData(KeyName)]
    [InlineData("réseau.example/journal")]
    [InlineData("日志")]
    public void KeyHash_AnyName_EqualsFirstFourBytesOfSha256OfNameNewlineTypeAndKey(string keyName)
    {
        var publicKey = _key.PublicKey;
        var expected = SHA256.HashData([.. Encoding.UTF8.GetBytes(keyName), 0x0A, 0x01, .. publicKey])[..4];

        var note = SignedNote.Sign(Body, keyName, _key);
        var signatureLine = note[(Body.Length + 1)..^1];
        var blob = Convert.FromBase64String(signatureLine[(signatureLine.LastIndexOf(' ') + 1)..]);
        var vkeyParts = SignedNote.VerifierKey(keyName, publicKey).Split('+', 3);

        Assert.Equal(expected, blob[..4]);
        Assert.Equal(Convert.ToHexStringLower(expected), vkeyParts[1]);
        Assert.Equal([0x01, .. publicKey], Convert.FromBase64String(vkeyParts[2]));
        Assert.Equal(keyName, vkeyParts[0]);
    }

    [Fact]
    public void Verify_AnyBodyByteChanged_ReturnsFalse()
    {
        var note = Encoding.UTF8.GetBytes(SignedNote.Sign(Body, KeyName, _key));
        var bodyLength = Encoding.UTF8.GetByteCount(Body);

        for (var bit = 0; bit < bodyLength * 8; bit++)
        {
            var mutated = (byte[])note.Clone();
            mutated[bit / 8] ^= (byte)(1 << (bit % 8));

            Assert.False(
                SignedNote.Verify(Encoding.UTF8.GetString(mutated), KeyName, _key.PublicKey, out var body),
                $"bit {bit}");
            Assert.Null(body);
        }
    }

    [Fact]
    public void Verify_WrongPublicKey_ReturnsFalse()
    {
        using var other = LogSigningKey.Generate();
        var note = SignedNote.Sign(Body, KeyName, _key);

        Assert.False(SignedNote.Verify(note, KeyName, other.PublicKey, out _));
    }

    [Fact]
    public void Verify_SameKeyHashButBadSignature_ReturnsFalse()
    {
        var note = SignedNote.Sign(Body, KeyName, _key);
        var signatureLine = note[(Body.Length + 1)..^1];
        var prefix = signatureLine[..(signatureLine.LastIndexOf(' ') + 1)];
        var blob = Convert.FromBase64String(signatureLine[prefix.Length..]);
        blob[^1] ^= 0x01;

        var forged = Body + "\n" + prefix + Convert.ToBase64String(blob) + "\n";

        Assert.False(SignedNote.Verify(forged, KeyName, _key.PublicKey, out _));
    }

    [Theory]
    [InlineData("pacspace.example/log2")]
    [InlineData("Pacspace.example/log")]
    [InlineData("other")]
    public void Verify_WrongKeyName_ReturnsFalse(string verifierName)
    {
        var note = SignedNote.Sign(Body, KeyName, _key);

        Assert.False(SignedNote.Verify(note, verifierName, _key.PublicKey, out _));
    }

    [Fact]
    public void Verify_SignatureLineRenamed_ReturnsFalse()
    {
        // Renaming the line changes the expected key hash, so the signature must not be found.
        var note = SignedNote.Sign(Body, KeyName, _key).Replace("\u2014 " + KeyName + " ", "\u2014 other ", StringComparison.Ordinal);

        Assert.False(SignedNote.Verify(note, "other", _key.PublicKey, out _));
    }

    [Fact]
    public void Verify_TruncatedSignature_ReturnsFalse()
    {
        var note = SignedNote.Sign(Body, KeyName, _key);
        var signatureLine = note[(Body.Length + 1)..^1];
        var prefix = signatureLine[..(signatureLine.LastIndexOf(' ') + 1)];
        var blob = Convert.FromBase64String(signatureLine[prefix.Length..]);

        for (var length = 0; length < blob.Length; length++)
        {
            var truncated = Body + "\n" + prefix + Convert.ToBase64String(blob[..length]) + "\n";
            Assert.False(SignedNote.Verify(truncated, KeyName, _key.PublicKey, out _), $"{length} bytes");
        }

        for (var chars = 0; chars < note.Length; chars++)
        {
            Assert.False(SignedNote.Verify(note[..chars], KeyName, _key.PublicKey, out _), $"{chars} chars");
        }
    }

    [Fact]
    public void Verify_NoteCosignedByAnotherKey_StillVerifiesForEachKey()
    {
        using var witness = LogSigningKey.Generate();
        var note = SignedNote.Sign(Body, KeyName, _key);
        var witnessNote = SignedNote.Sign(Body, "witness.example", witness);
        var cosigned = note + witnessNote[(Body.Length + 1)..];

        Assert.True(SignedNote.Verify(cosigned, KeyName, _key.PublicKey, out var logBody));
        Assert.True(SignedNote.Verify(cosigned, "witness.example", witness.PublicKey, out var witnessBody));
        Assert.Equal(Body, logBody);
        Assert.Equal(Body, witnessBody);
    }

    [Fact]
    public void Verify_TwoKeysUnderSameName_EachKeyFindsItsOwnSignature()
    {
        // Key rotation: old and new key share a name, so only the key hash routes each line to its key.
        using var rotated = LogSigningKey.Generate();
        var oldNote = SignedNote.Sign(Body, KeyName, _key);
        var newNote = SignedNote.Sign(Body, KeyName, rotated);
        var both = oldNote + newNote[(Body.Length + 1)..];

        Assert.True(SignedNote.Verify(both, KeyName, _key.PublicKey, out _));
        Assert.True(SignedNote.Verify(both, KeyName, rotated.PublicKey, out _));
    }

    [Fact]
    public void Verify_NonAsciiBody_RoundTrips()
    {
        const string body = "journal — π ≈ 3.14159 \U0001F512\n";
        var note = SignedNote.Sign(body, KeyName, _key);

        Assert.True(SignedNote.Verify(note, KeyName, _key.PublicKey, out var verified));
        Assert.Equal(body, verified);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("\n\n")]
    [InlineData("body\n")]
    [InlineData("body\n\n")]
    [InlineData("body\n\n\u2014 ")]
    [InlineData("body\n\n\u2014 \n")]
    [InlineData("body\n\n\u2014 pacspace.example/log\n")]
    [InlineData("body\n\n\u2014 pacspace.example/log \n")]
    [InlineData("body\n\n\u2014 pacspace.example/log !!!!\n")]
    [InlineData("body\n\n\u2014 pacspace.example/log AAAA\n")]
    [InlineData("body\n\n-- pacspace.example/log AAAAAAAA\n")]
    [InlineData("body\n\n\u2013 pacspace.example/log AAAAAAAA\n")]
    [InlineData("body\n\n\u2014 pacspace.example/log AAAAAAAA")]
    [InlineData("body\r\n\r\n\u2014 pacspace.example/log AAAAAAAA\r\n")]
    [InlineData("bo\tdy\n\n\u2014 pacspace.example/log AAAAAAAA\n")]
    [InlineData("body\n\n\u2014 pacspace.example/log AAAAAAAA\n\n")]
    public void Verify_MalformedNote_ReturnsFalseWithoutThrowing(string note)
    {
        Assert.False(SignedNote.Verify(note, KeyName, _key.PublicKey, out var body));
        Assert.Null(body);
    }

    // Built in code: attribute string constants cannot carry lone surrogates (they become U+FFFD).
    [Fact]
    public void SignAndVerify_LoneSurrogate_RejectedWithoutThrowing()
    {
        var loneHigh = ((char)0xD800).ToString();
        var loneLow = ((char)0xDC00).ToString();
        var note = SignedNote.Sign(Body, KeyName, _key);

        Assert.Throws<ArgumentException>(() => SignedNote.Sign("a" + loneHigh + "\n", KeyName, _key));
        Assert.Throws<ArgumentException>(() => SignedNote.Sign(loneLow + "b\n", KeyName, _key));
        Assert.Throws<ArgumentException>(() => SignedNote.Sign(Body, KeyName + loneHigh, _key));
        Assert.Throws<ArgumentException>(() => SignedNote.VerifierKey(loneLow + KeyName, _key.PublicKey));
        Assert.False(SignedNote.Verify(loneHigh + note, KeyName, _key.PublicKey, out _));
        Assert.False(SignedNote.Verify(note + loneLow, KeyName, _key.PublicKey, out _));
        Assert.False(SignedNote.Verify(note, KeyName + loneHigh, _key.PublicKey, out _));
    }

    [Fact]
    public void Verify_ValidSignatureNextToMalformedLine_ReturnsFalse()
    {
        var note = SignedNote.Sign(Body, KeyName, _key) + "\u2014 broken line\n";

        Assert.False(SignedNote.Verify(note, KeyName, _key.PublicKey, out _));
    }

    [Fact]
    public void Verify_SignatureWithWhitespaceInBase64_ReturnsFalse()
    {
        var note = SignedNote.Sign(Body, KeyName, _key);
        var spaced = note[..^5] + " " + note[^5..];

        Assert.False(SignedNote.Verify(spaced, KeyName, _key.PublicKey, out _));
    }

    [Fact]
    public void Verify_MoreThanMaxSignatureLines_ReturnsFalse()
    {
        var note = SignedNote.Sign(Body, KeyName, _key);
        var filler = string.Concat(Enumerable.Repeat("\u2014 other AAAAAAAA\n", SignedNote.MaxSignatures));

        Assert.True(SignedNote.Verify(note + filler[..^("\u2014 other AAAAAAAA\n".Length)], KeyName, _key.PublicKey, out _));
        Assert.False(SignedNote.Verify(note + filler, KeyName, _key.PublicKey, out _));
    }

    [Theory]
    [InlineData(null, 32)]
    [InlineData("", 32)]
    [InlineData("a b", 32)]
    [InlineData("a+b", 32)]
    [InlineData(KeyName, 31)]
    [InlineData(KeyName, 0)]
    public void Verify_InvalidNameOrKeyLength_ReturnsFalseWithoutThrowing(string? keyName, int keyLength)
    {
        var note = SignedNote.Sign(Body, KeyName, _key);
        var publicKey = _key.PublicKey.AsSpan(0, keyLength).ToArray();

        Assert.False(SignedNote.Verify(note, keyName!, publicKey, out _));
    }

    [Fact]
    public void Verify_NullNote_ReturnsFalse()
    {
        Assert.False(SignedNote.Verify(null!, KeyName, _key.PublicKey, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a b")]
    [InlineData("a+b")]
    [InlineData("+")]
    [InlineData("a\tb")]
    [InlineData("a\nb")]
    [InlineData("a\u00a0b")]
    [InlineData("a\u2003b")]
    public void Sign_InvalidKeyName_ThrowsArgumentException(string keyName)
    {
        Assert.Throws<ArgumentException>(() => SignedNote.Sign(Body, keyName, _key));
        Assert.Throws<ArgumentException>(() => SignedNote.VerifierKey(keyName, _key.PublicKey));
    }

    [Theory]
    [InlineData("")]
    [InlineData("no final newline")]
    [InlineData("crlf\r\n")]
    [InlineData("tab\there\n")]
    [InlineData("nul\0\n")]
    public void Sign_InvalidBody_ThrowsArgumentException(string body)
    {
        Assert.Throws<ArgumentException>(() => SignedNote.Sign(body, KeyName, _key));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    public void VerifierKey_PublicKeyNotThirtyTwoBytes_ThrowsArgumentException(int length)
    {
        Assert.Throws<ArgumentException>(() => SignedNote.VerifierKey(KeyName, new byte[length]));
    }

    [Fact]
    public void TryParseVerifierKey_OwnVerifierKey_ReturnsNameAndKey()
    {
        var vkey = SignedNote.VerifierKey(KeyName, _key.PublicKey);

        Assert.True(SignedNote.TryParseVerifierKey(vkey, out var name, out var publicKey));
        Assert.Equal(KeyName, name);
        Assert.Equal(_key.PublicKey, publicKey);
    }

    [Fact]
    public void TryParseVerifierKey_KeysWhoseBase64ContainsPlus_RoundTrip()
    {
        // Standard base64 uses '+', so only the first two '+' of a vkey may be treated as separators.
        var withPlus = 0;
        for (var seed = 0; seed < 64; seed++)
        {
            using var key = LogSigningKey.Import(Enumerable.Repeat((byte)seed, 32).ToArray());
            var vkey = SignedNote.VerifierKey(KeyName, key.PublicKey);
            withPlus += vkey.Split('+').Length > 3 ? 1 : 0;

            Assert.True(SignedNote.TryParseVerifierKey(vkey, out var name, out var publicKey), vkey);
            Assert.Equal(KeyName, name);
            Assert.Equal(key.PublicKey, publicKey);
        }

        Assert.True(withPlus > 0, "no sampled key exercised a '+' inside the base64 field");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("PeterNeumann+c74f20a3")]
    [InlineData("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")]
    [InlineData("PeterNeumanm+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")]
    [InlineData("PeterNeumann+c74f20a3+AhpczQcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")]
    [InlineData("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T")]
    [InlineData("PeterNeumann+c74f20+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")]
    [InlineData("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")]
    [InlineData("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW+")]
    public void TryParseVerifierKey_DamagedVkey_ReturnsFalse(string? vkey)
    {
        Assert.False(SignedNote.TryParseVerifierKey(vkey, out var name, out var publicKey));
        Assert.Null(name);
        Assert.Null(publicKey);
    }
}
