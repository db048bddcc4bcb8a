using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PacSpace.Ledger;

namespace PacSpace.Ledger.Tests;

/// <summary>
/// Content versions 1 and 2 against the vectors in Vectors/delta-content.json (computed outside this code base), and the
/// canonical bytes built by hand here once more, so neither the file nor <see cref="DeltaContent"/> is trusted alone.
/// </summary>
public sealed class DeltaContentVersionTests
{
    public static TheoryData<string> Vectors => DeltaContentVectors.Names;

    [Theory]
    [MemberData(nameof(Vectors))]
    public void ContentHash_Vector_MatchesFileAndHandBuiltBytes(string name)
    {
        var v = DeltaContentVectors.Named(name);
        var handBuilt = HandBuiltCanonical(v);
        Assert.Equal(v.Canonical, handBuilt);
        var prefix = Encoding.UTF8.GetBytes($"pacspace-delta/v{v.ContentVersion}\n");
        Assert.Equal(v.ContentHash, Convert.ToHexStringLower(SHA256.HashData([.. prefix, .. Encoding.UTF8.GetBytes(handBuilt)])));

        var content = FromVector(v);
        Assert.Equal(v.ContentVersion, content.Version);
        Assert.Equal(v.Canonical, Encoding.UTF8.GetString(content.Canonical()));
        Assert.Equal(v.ContentHash, Hex.Encode(content.ContentHash()));
        Assert.Equal(v.ContentHash, Hex.Encode(DeltaContent.HashCanonical(content.Canonical(), v.ContentVersion)));
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Parse_VectorCanonical_SameVersionAdjustsAndHash(string name)
    {
        var v = DeltaContentVectors.Named(name);
        var parsed = DeltaContent.Parse(Encoding.UTF8.GetBytes(v.Canonical));
        Assert.Equal(v.ContentVersion, parsed.Version);
        Assert.Equal(v.Adjusts.ValueKind == JsonValueKind.Null ? null : Value(v.Adjusts), parsed.Adjusts?.ToJson());
        Assert.Equal(v.ContentHash, Hex.Encode(parsed.ContentHash()));
    }

    [Fact]
    public void ContentHash_Version1_UnchangedByVersion2()
    {
        // The version 1 hashes published before version 2 existed (DeltaContentTests holds the same figures).
        Assert.Equal("d54c5167f35b54ddfcdfc503358d5b92c9f372457c012313ef0f8fdf1057ecf9", DeltaContentVectors.Named("v1: every field").ContentHash);
        Assert.Equal("ed4021320047ae5d7dc391f2cdc54273a921715ced3c9244f354c8d5e2ade479",
            DeltaContentVectors.Named("v1: no referenceId, no metadata, int64 max").ContentHash);
        var v1 = FromVector(DeltaContentVectors.Named("v1: every field"));
        Assert.Null(v1.Adjusts);
        Assert.Equal(1, v1.Version);
        Assert.Equal(DeltaContent.HashPrefix.ToArray(), DeltaContent.HashPrefixOf(1).ToArray());
        Assert.Equal(v1.ContentHash(), DeltaContent.HashCanonical(v1.Canonical()));
    }

    [Fact]
    public void ContentHash_SameFieldsWithAndWithoutAdjusts_Differ()
    {
        var v2 = FromVector(DeltaContentVectors.Named("v2: same delta as the first v1 vector but for adjusts"));
        var v1 = v2 with { Adjusts = null };
        Assert.Equal(DeltaContentVectors.Named("v1: every field").ContentHash, Hex.Encode(v1.ContentHash()));
        Assert.NotEqual(v1.ContentHash(), v2.ContentHash());
        // Version 2's canonical bytes under version 1's prefix are not its hash either: the prefix separates the versions.
        Assert.NotEqual(v2.ContentHash(), DeltaContent.HashCanonical(v2.Canonical(), 1));
    }

    [Fact]
    public void ContentHash_AdjustsChanged_Differs()
    {
        var original = FromVector(DeltaContentVectors.Named("v2: adjusts by referenceId"));
        DeltaAdjusts[] changed =
        [
            DeltaAdjusts.ByReference("inv_002"),
            DeltaAdjusts.ByRecord("inv_001"),
            DeltaAdjusts.ByReference("inv_001 "),
            DeltaAdjusts.ByReference("INV_001"),
        ];
        foreach (var adjusts in changed)
        {
            Assert.NotEqual(original.ContentHash(), (original with { Adjusts = adjusts }).ContentHash());
        }
    }

    [Theory]
    [InlineData("""{"v":3,"amount":"1","customerId":"c","env":"sandbox","metadata":null,"reason":"r","referenceId":null,"tenant":"t"}""", "version")]
    [InlineData("""{"v":1,"adjusts":{"referenceId":"a"},"amount":"1","customerId":"c","env":"sandbox","metadata":null,"reason":"r","referenceId":null,"tenant":"t"}""", "version 1 delta has no adjusts")]
    [InlineData("""{"v":1,"adjusts":null,"amount":"1","customerId":"c","env":"sandbox","metadata":null,"reason":"r","referenceId":null,"tenant":"t"}""", "version 1 delta has no adjusts")]
    [InlineData("""{"v":2,"amount":"1","customerId":"c","env":"sandbox","metadata":null,"reason":"r","referenceId":null,"tenant":"t"}""", "version 2 delta names what it adjusts")]
    [InlineData("""{"v":2,"adjusts":null,"amount":"1","customerId":"c","env":"sandbox","metadata":null,"reason":"r","referenceId":null,"tenant":"t"}""", "version 2 delta names what it adjusts")]
    [InlineData("""{"v":2,"adjusts":{"referenceId":"a","recordId":"b"},"amount":"1","customerId":"c","env":"sandbox","metadata":null,"reason":"r","referenceId":null,"tenant":"t"}""", "version 2 delta names what it adjusts")]
    [InlineData("""{"v":2,"adjusts":{"invoice":"a"},"amount":"1","customerId":"c","env":"sandbox","metadata":null,"reason":"r","referenceId":null,"tenant":"t"}""", "version 2 delta names what it adjusts")]
    [InlineData("""{"v":2,"adjusts":{"recordId":7},"amount":"1","customerId":"c","env":"sandbox","metadata":null,"reason":"r","referenceId":null,"tenant":"t"}""", "version 2 delta names what it adjusts")]
    public void Parse_VersionAndAdjustsDisagree_Refused(string json, string expected)
    {
        var refused = Assert.Throws<JcsException>(() => DeltaContent.Parse(Encoding.UTF8.GetBytes(json)));
        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"referenceId":"inv-1"}""", "referenceId", "inv-1")]
    [InlineData("""{ "recordId" : "rec_x" }""", "recordId", "rec_x")]
    public void TryRead_OneIdMember_Read(string json, string field, string value)
    {
        Assert.True(DeltaAdjusts.TryRead(JsonDocument.Parse(json).RootElement, out var adjusts));
        Assert.Equal((field, value), (adjusts!.Field, adjusts.Value));
        Assert.Equal(field == "recordId", adjusts.ByRecordId);
        Assert.Equal(adjusts, DeltaAdjusts.Parse(json));
        Assert.Equal(json.Replace(" ", "", StringComparison.Ordinal), adjusts.ToJson());
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"referenceId":"a","recordId":"b"}""")]
    [InlineData("""{"referenceId":null}""")]
    [InlineData("""{"receiptId":"rcp_x"}""")]
    [InlineData("""["rec_x"]""")]
    [InlineData("\"rec_x\"")]
    public void TryRead_NotOneIdMember_Refused(string json)
    {
        Assert.False(DeltaAdjusts.TryRead(JsonDocument.Parse(json).RootElement, out var adjusts));
        Assert.Null(adjusts);
        Assert.Throws<JcsException>(() => DeltaAdjusts.Parse(json));
    }

    private static DeltaContent FromVector(DeltaContentVectors.Vector v) =>
        new(v.Tenant, v.Env, v.CustomerId, long.Parse(v.Amount, CultureInfo.InvariantCulture), v.Reason, v.ReferenceId,
            v.Metadata.ValueKind == JsonValueKind.Null ? null : v.Metadata)
        {
            Adjusts = v.Adjusts.ValueKind == JsonValueKind.Null ? null : DeltaAdjusts.Parse(v.Adjusts.GetRawText()),
        };

    /// <summary>
    /// The canonical delta written out member by member, in RFC 8785 order (UTF-16 code unit order of the names, which
    /// for these ASCII names is ordinal order), without <see cref="Jcs"/> or <see cref="DeltaContent"/>.
    /// </summary>
    private static string HandBuiltCanonical(DeltaContentVectors.Vector v)
    {
        var members = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["v"] = v.ContentVersion.ToString(CultureInfo.InvariantCulture),
            ["tenant"] = Str(v.Tenant),
            ["env"] = Str(v.Env),
            ["customerId"] = Str(v.CustomerId),
            ["amount"] = Str(v.Amount),
            ["reason"] = Str(v.Reason),
            ["referenceId"] = v.ReferenceId is null ? "null" : Str(v.ReferenceId),
            ["metadata"] = Value(v.Metadata),
        };
        if (v.ContentVersion == 2)
        {
            members["adjusts"] = Value(v.Adjusts);
        }

        return "{" + string.Join(",", members.Select(m => Str(m.Key) + ":" + m.Value)) + "}";
    }

    // Number-free JSON values only (as deltas hold): objects sorted by member name, arrays in order.
    private static string Value(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null => "null",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.String => Str(e.GetString()!),
        JsonValueKind.Array => "[" + string.Join(",", e.EnumerateArray().Select(Value)) + "]",
        JsonValueKind.Object => "{" + string.Join(",", e.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => Str(p.Name) + ":" + Value(p.Value))) + "}",
        _ => throw new InvalidOperationException("The vectors hold no numbers."),
    };

    // RFC 8785 string: only '"', '\' and the control characters escaped, the five with short forms as such, others as \u00xx.
    private static string Str(string s)
    {
        var b = new StringBuilder("\"");
        foreach (var c in s)
        {
            b.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\b' => "\\b",
                '\f' => "\\f",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < ' ' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return b.Append('"').ToString();
    }
}
