using System.Text;
using System.Text.Json;
using PacSpace.Ledger;

namespace PacSpace.Ledger.Tests;

/// <summary>
/// Expected bytes and hashes below were computed independently of this code (Python's json with sorted keys and
/// compact separators, which equals RFC 8785 for number-free documents, hashlib and struct).
/// </summary>
public sealed class DeltaContentTests
{
    private static readonly JsonElement Metadata = JsonDocument.Parse(
        """{"tags":["a","b"],"region":"eu","paid":true,"note":null,"nested":{"z":"1","a":"2"}}""").RootElement.Clone();

    [Fact]
    public void ContentHash_FullDelta_MatchesIndependentComputation()
    {
        var delta = new DeltaContent("tnt_01jexample", "sandbox", "cust/1 é", -42, "API calls", "inv_001", Metadata);
        Assert.Equal(
            """{"amount":"-42","customerId":"cust/1 é","env":"sandbox","metadata":{"nested":{"a":"2","z":"1"},"note":null,"paid":true,"region":"eu","tags":["a","b"]},"reason":"API calls","referenceId":"inv_001","tenant":"tnt_01jexample","v":1}""",
            Encoding.UTF8.GetString(delta.Canonical()));
        Assert.Equal("d54c5167f35b54ddfcdfc503358d5b92c9f372457c012313ef0f8fdf1057ecf9", Hex.Encode(delta.ContentHash()));
    }

    [Fact]
    public void ContentHash_NoReferenceNoMetadata_NullsAndInt64Max()
    {
        var delta = new DeltaContent("tnt_x", "production", "c", long.MaxValue, "r", null, null);
        Assert.Equal("""{"amount":"9223372036854775807","customerId":"c","env":"production","metadata":null,"reason":"r","referenceId":null,"tenant":"tnt_x","v":1}""",
            Encoding.UTF8.GetString(delta.Canonical()));
        Assert.Equal("ed4021320047ae5d7dc391f2cdc54273a921715ced3c9244f354c8d5e2ade479", Hex.Encode(delta.ContentHash()));
    }

    [Fact]
    public void Canonical_AwkwardText_SameBytesAsGeneralCanonicalization()
    {
        // Canonical() writes the canonical form directly; the general path (serialize, then RFC 8785) must agree.
        var random = new Random(7);
        string[] pieces = ["a", "é", "\"", "\\", "\n", "\t", "\u0001", "\u001f", "\u007f", "\u2028", "<&>'", "😀", "\u00a0", "/", " ", "\b\f\r"];
        for (var i = 0; i < 500; i++)
        {
            string Text(int min) => string.Concat(Enumerable.Range(0, random.Next(min, 8)).Select(_ => pieces[random.Next(pieces.Length)]));
            var delta = new DeltaContent("tnt_" + Text(0), i % 2 == 0 ? "sandbox" : "production", Text(1), random.NextInt64(-1_000_000_000, 1_000_000_000),
                Text(1), i % 3 == 0 ? null : Text(1), i % 4 == 0 ? JsonDocument.Parse(JsonSerializer.Serialize(new Dictionary<string, string> { [Text(1)] = Text(0) })).RootElement : null);
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream))
            {
                writer.WriteStartObject();
                writer.WriteNumber("v", 1);
                writer.WriteString("tenant", delta.Tenant);
                writer.WriteString("env", delta.Env);
                writer.WriteString("customerId", delta.CustomerId);
                writer.WriteString("amount", delta.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture));
                writer.WriteString("reason", delta.Reason);
                writer.WriteString("referenceId", delta.ReferenceId);
                writer.WritePropertyName("metadata");
                if (delta.Metadata is { } metadata)
                {
                    metadata.WriteTo(writer);
                }
                else
                {
                    writer.WriteNullValue();
                }

                writer.WriteEndObject();
            }

            Assert.Equal(Encoding.UTF8.GetString(Jcs.Canonicalize(stream.ToArray())), Encoding.UTF8.GetString(delta.Canonical()));
        }
    }

    [Fact]
    public void Canonical_LoneSurrogate_Refused() =>
        Assert.Throws<JcsException>(() => new DeltaContent("tnt_x", "sandbox", "c\ud800", 1, "r", null, null).Canonical());

    [Fact]
    public void Parse_Canonical_RoundTripsToSameHash()
    {
        var delta = new DeltaContent("tnt_01jexample", "sandbox", "cust/1 é", -42, "API calls", "inv_001", Metadata);
        var parsed = DeltaContent.Parse(delta.Canonical());
        Assert.Equal(delta.ContentHash(), parsed.ContentHash());
        Assert.Equal(-42, parsed.Amount);
    }

    [Fact]
    public void ContentHash_AnyFieldChanged_Differs()
    {
        var original = new DeltaContent("t", "sandbox", "c", 5, "r", "ref", Metadata).ContentHash();
        DeltaContent[] changed =
        [
            new("u", "sandbox", "c", 5, "r", "ref", Metadata),
            new("t", "production", "c", 5, "r", "ref", Metadata),
            new("t", "sandbox", "d", 5, "r", "ref", Metadata),
            new("t", "sandbox", "c", 6, "r", "ref", Metadata),
            new("t", "sandbox", "c", 5, "s", "ref", Metadata),
            new("t", "sandbox", "c", 5, "r", null, Metadata),
            new("t", "sandbox", "c", 5, "r", "ref", null),
        ];
        foreach (var delta in changed)
        {
            Assert.NotEqual(original, delta.ContentHash());
        }
    }

    [Theory]
    [InlineData("""{"n":1}""", "metadata.n")]
    [InlineData("""{"a":{"b":[true,2.5]}}""", "metadata.a.b[1]")]
    [InlineData("""[1]""", "must be a JSON object")]
    [InlineData("\"text\"", "must be a JSON object")]
    public void CheckMetadata_NumbersOrNotObject_Refused(string json, string expected) =>
        Assert.Contains(expected, DeltaContent.CheckMetadata(JsonDocument.Parse(json).RootElement), StringComparison.Ordinal);

    [Fact]
    public void CheckMetadata_Over4KiB_RefusedAndAtLimitAccepted()
    {
        // {"k":"…"} is 8 bytes of structure around the value.
        var atLimit = JsonDocument.Parse($$"""{"k":"{{new string('x', DeltaContent.MaxMetadataBytes - 8)}}"}""").RootElement;
        var over = JsonDocument.Parse($$"""{"k":"{{new string('x', DeltaContent.MaxMetadataBytes - 7)}}"}""").RootElement;
        Assert.Null(DeltaContent.CheckMetadata(atLimit));
        Assert.Contains("at most 4096 bytes", DeltaContent.CheckMetadata(over), StringComparison.Ordinal);
    }
}

public sealed class LeafEntryTests
{
    private static readonly byte[] ContentHash = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public void Encode_KnownFields_MatchesIndependentBytesAndLeafHash()
    {
        var entry = new LeafEntry(1795425939000, 3, 7, -5, ContentHash);
        Assert.Equal(
            "01000001a207b9ae3800000000000000030000000000000008fffffffffffffffffffffffffffffffb000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f0000000000000000",
            Hex.Encode(entry.Encode()));
        Assert.Equal("9125e7fcc276aa04cfd2f96736735c633f38c1aa57c41e01135db8d29cc0c4b4", Hex.Encode(entry.LeafHash()));
    }

    [Fact]
    public void TryDecode_Encoded_RoundTrips()
    {
        var entry = new LeafEntry(1, 1, null, Int128.MaxValue, ContentHash);
        Assert.True(LeafEntry.TryDecode(entry.Encode(), out var decoded));
        Assert.Equal(entry.RecordedAtUnixMs, decoded!.RecordedAtUnixMs);
        Assert.Null(decoded.PrevCustomerIndex);
        Assert.Equal(Int128.MaxValue, decoded.BalanceAfter);
        Assert.Equal(ContentHash, decoded.ContentHash);
    }

    [Fact]
    public void TryDecode_WrongLengthTypeReservedOrZeroSequence_Refused()
    {
        var good = new LeafEntry(1, 1, 0, 0, ContentHash).Encode();
        Assert.False(LeafEntry.TryDecode(good.AsSpan(0, 80), out _));
        var wrongType = (byte[])good.Clone();
        wrongType[0] = 0x02;
        Assert.False(LeafEntry.TryDecode(wrongType, out _));
        var reserved = (byte[])good.Clone();
        reserved[80] = 1;
        Assert.False(LeafEntry.TryDecode(reserved, out _));
        var zeroSeq = (byte[])good.Clone();
        zeroSeq[16] = 0;
        Assert.False(LeafEntry.TryDecode(zeroSeq, out _));
    }

    [Fact]
    public void Encode_OutOfRange_Throws()
    {
        Assert.Throws<ArgumentException>(() => new LeafEntry(-1, 1, null, 0, ContentHash).Encode());
        Assert.Throws<ArgumentException>(() => new LeafEntry(0, 0, null, 0, ContentHash).Encode());
        Assert.Throws<ArgumentException>(() => new LeafEntry(0, 1, null, 0, new byte[31]).Encode());
    }
}
