using PacSpace.Ledger;

namespace PacSpace.Ledger.Tests;

public sealed class ApiKeyFormatTests
{
    [Theory]
    [InlineData(PacSpaceEnvironment.Sandbox, "test")]
    [InlineData(PacSpaceEnvironment.Production, "live")]
    public void Generate_AnyEnvironment_HasDocumentedShapeAndParsesBack(PacSpaceEnvironment env, string name)
    {
        var key = ApiKeyFormat.Generate(env);

        Assert.Matches($"^pk_{name}_[0-9A-Za-z]{{20}}$", key.PublicKey);
        Assert.Matches($"^sk_{name}_[0-9A-Za-z]{{38}}$", key.SecretKey);
        Assert.Equal(ApiKeyFormat.FullKeyLength, key.FullKey.Length);
        Assert.True(ApiKeyFormat.TryParse(key.FullKey, out var parsed, out var publicId, out var secret));
        Assert.Equal(env, parsed);
        Assert.Equal(key.PublicId, key.FullKey[publicId]);
        Assert.Equal(key.SecretKey, key.FullKey[secret]);
    }

    [Fact]
    public void Generate_ManyKeys_AllDistinct()
    {
        var keys = Enumerable.Range(0, 2000).Select(_ => ApiKeyFormat.Generate(PacSpaceEnvironment.Sandbox)).ToList();

        Assert.Equal(keys.Count, keys.Select(k => k.PublicId).Distinct().Count());
        Assert.Equal(keys.Count, keys.Select(k => k.SecretKey).Distinct().Count());
    }

    [Fact]
    public void Checksum_Crc32CheckValue_IsItsBase62Form()
    {
        // CRC-32 (IEEE) of "123456789" is 0xCBF43926, the catalogue check value; 3421780262 in base62 is 3jZRME.
        Assert.Equal("3jZRME", ApiKeyFormat.Checksum("123456789"));
        Assert.Equal("000000", ApiKeyFormat.Checksum(""));
    }

    [Fact]
    public void TryParse_EverySingleCharacterChange_IsRefused()
    {
        // CRC32 catches every error confined to 32 consecutive bits, so any one substituted character.
        var key = ApiKeyFormat.Generate(PacSpaceEnvironment.Production).FullKey;
        for (var i = 0; i < key.Length; i++)
        {
            foreach (var replacement in new[] { '0', 'a', 'Z', '.', '_', 'é' })
            {
                if (key[i] == replacement)
                {
                    continue;
                }

                var chars = key.ToCharArray();
                chars[i] = replacement;
                var changed = new string(chars);
                Assert.False(ApiKeyFormat.TryParse(changed, out _, out _, out _), $"position {i} → '{replacement}' accepted");
            }
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("pk_test_")]
    [InlineData("sk_test_abc")]
    [InlineData("Bearer pk_test_x")]
    public void TryParse_Garbage_IsRefused(string text) => Assert.False(ApiKeyFormat.TryParse(text, out _, out _, out _));

    [Fact]
    public void TryParse_TruncatedExtendedOrMixedPrefixes_IsRefused()
    {
        var key = ApiKeyFormat.Generate(PacSpaceEnvironment.Sandbox).FullKey;

        Assert.False(ApiKeyFormat.TryParse(key.AsSpan(0, key.Length - 1), out _, out _, out _));
        Assert.False(ApiKeyFormat.TryParse(key + "0", out _, out _, out _));
        Assert.False(ApiKeyFormat.TryParse(" " + key.Substring(1), out _, out _, out _));
        Assert.False(ApiKeyFormat.TryParse(key.Replace("pk_test_", "pk_live_", StringComparison.Ordinal), out _, out _, out _));
        // Both prefixes switched: the checksum covers the public part, so it still fails.
        Assert.False(ApiKeyFormat.TryParse(key.Replace("_test_", "_live_", StringComparison.Ordinal), out _, out _, out _));
    }

    [Fact]
    public void HashSecret_IsSha256OfTheSecretPart()
    {
        var key = ApiKeyFormat.Generate(PacSpaceEnvironment.Sandbox);

        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(key.SecretKey)));

        Assert.Equal(expected, ApiKeyFormat.HashSecretHex(key.SecretKey));
        Assert.NotEqual(expected, ApiKeyFormat.HashSecretHex(ApiKeyFormat.Generate(PacSpaceEnvironment.Sandbox).SecretKey));
    }
}
