using System.Text;
using PacSpace.Ledger;

namespace PacSpace.Ledger.Tests;

/// <summary>
/// RFC 8785: the number table of its Appendix B, and the input/output pairs of the reference implementation's
/// test data (cyberphone/json-canonicalization, testdata/), written here with C# escapes so the bytes are exact.
/// </summary>
public sealed class JcsTests
{
    [Theory]
    [InlineData(0x0000000000000000UL, "0")]
    [InlineData(0x8000000000000000UL, "0")]
    [InlineData(0x0000000000000001UL, "5e-324")]
    [InlineData(0x8000000000000001UL, "-5e-324")]
    [InlineData(0x7fefffffffffffffUL, "1.7976931348623157e+308")]
    [InlineData(0xffefffffffffffffUL, "-1.7976931348623157e+308")]
    [InlineData(0x4340000000000000UL, "9007199254740992")]
    [InlineData(0xc340000000000000UL, "-9007199254740992")]
    [InlineData(0x4430000000000000UL, "295147905179352830000")]
    [InlineData(0x44b52d02c7e14af5UL, "9.999999999999997e+22")]
    [InlineData(0x44b52d02c7e14af6UL, "1e+23")]
    [InlineData(0x44b52d02c7e14af7UL, "1.0000000000000001e+23")]
    [InlineData(0x444b1ae4d6e2ef4eUL, "999999999999999700000")]
    [InlineData(0x444b1ae4d6e2ef4fUL, "999999999999999900000")]
    [InlineData(0x444b1ae4d6e2ef50UL, "1e+21")]
    [InlineData(0x3eb0c6f7a0b5ed8cUL, "9.999999999999997e-7")]
    [InlineData(0x3eb0c6f7a0b5ed8dUL, "0.000001")]
    [InlineData(0x41b3de4355555553UL, "333333333.3333332")]
    [InlineData(0x41b3de4355555554UL, "333333333.33333325")]
    [InlineData(0x41b3de4355555555UL, "333333333.3333333")]
    [InlineData(0x41b3de4355555556UL, "333333333.3333334")]
    [InlineData(0x41b3de4355555557UL, "333333333.33333343")]
    [InlineData(0xbecbf647612f3696UL, "-0.0000033333333333333333")]
    [InlineData(0x43143ff3c1cb0959UL, "1424953923781206.2")]
    public void FormatNumber_Rfc8785AppendixB_MatchesTable(ulong bits, string expected) =>
        Assert.Equal(expected, Jcs.FormatNumber(BitConverter.UInt64BitsToDouble(bits)));

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void FormatNumber_NonFinite_Throws(double value) => Assert.Throws<JcsException>(() => Jcs.FormatNumber(value));

    public static TheoryData<string, string, string> ReferenceData => new()
    {
        {
            "values",
            "{\n  \"numbers\": [1E30, 4.50, 333333333.33333329, 2e-3, 0.000000000000000000000000001],\n  \"escaping\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n  \"literals\": [null, true, false]\n}",
            "{\"escaping\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\",\"literals\":[null,true,false],\"numbers\":[1e+30,4.5,333333333.3333333,0.002,1e-27]}"
        },
        {
            "weird",
            "{\n  \"\\u20ac\": \"Euro Sign\",\n  \"1\": \"One\",\n  \"\\u0080\": \"Control\\u007f\",\n  \"\\ud83d\\ude02\": \"Smiley\",\n  \"\\u00f6\": \"Latin Small Letter O With Diaeresis\",\n  \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\",\n  \"</script>\": \"Browser Challenge\"\n}\n",
            "{\"1\":\"One\",\"</script>\":\"Browser Challenge\",\"\u0080\":\"Control\u007f\",\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\",\"\U0001F602\":\"Smiley\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}"
        },
        {
            "structures",
            "{\n  \"1\": {\"f\": {\"f\": \"hi\",\"F\": 5} ,\"\\n\": 56.0},\n  \"10\": { },\n  \"\": \"empty\",\n  \"a\": { },\n  \"111\": [ { } ],\n  \"A\": { }\n}",
            "{\"\":\"empty\",\"1\":{\"\\n\":56,\"f\":{\"F\":5,\"f\":\"hi\"}},\"10\":{},\"111\":[{}],\"A\":{},\"a\":{}}"
        },
        {
            "french",
            "{\n  \"peach\": \"This sorting order\",\n  \"p\u00e9ch\u00e9\": \"is wrong according to French\",\n  \"p\u00eache\": \"but canonicalization MUST\",\n  \"sin\":   \"ingnore locale\"\n}\n",
            "{\"peach\":\"This sorting order\",\"p\u00e9ch\u00e9\":\"is wrong according to French\",\"p\u00eache\":\"but canonicalization MUST\",\"sin\":\"ingnore locale\"}"
        },
        {
            "unicode",
            "{\n  \"Unnormalized Unicode\":\"\\u1e0d\\u0307\"\n}\n",
            "{\"Unnormalized Unicode\":\"\u1e0d\u0307\"}"
        },
        {
            "simpleString",
            "    \"this is a test string 1235\"",
            "\"this is a test string 1235\""
        },
    };

    [Theory]
    [MemberData(nameof(ReferenceData))]
    public void Canonicalize_ReferenceTestData_MatchesOutput(string name, string input, string expected)
    {
        var actual = Jcs.Canonicalize(Encoding.UTF8.GetBytes(input));
        Assert.True(Encoding.UTF8.GetBytes(expected).AsSpan().SequenceEqual(actual), $"{name}: {Encoding.UTF8.GetString(actual)}");
    }

    [Fact]
    public void Canonicalize_SimpleString_MatchesReferenceHex() =>
        Assert.Equal(
            "22 74 68 69 73 20 69 73 20 61 20 74 65 73 74 20 73 74 72 69 6E 67 20 31 32 33 35 22".Replace(" ", "", StringComparison.Ordinal),
            Convert.ToHexString(Jcs.Canonicalize("    \"this is a test string 1235\""u8)));

    [Fact]
    public void Canonicalize_KeysSortByUtf16CodeUnits_NotCodePoints() =>
        // U+E000 is one code unit 0xE000; U+10000 is the pair 0xD800 0xDC00, which sorts first.
        Assert.Equal("{\"\U00010000\":2,\"\ue000\":1}", Encoding.UTF8.GetString(Jcs.Canonicalize("{\"\\ue000\":1,\"\\ud800\\udc00\":2}"u8)));

    [Theory]
    [InlineData("{\"a\":1,\"a\":2}")]
    [InlineData("\"\\ud800\"")]
    [InlineData("\"\\udc00x\"")]
    [InlineData("1e400")]
    [InlineData("{")]
    [InlineData("[1,]")]
    [InlineData("")]
    public void Canonicalize_NotIJson_Throws(string input) =>
        Assert.Throws<JcsException>(() => Jcs.Canonicalize(Encoding.UTF8.GetBytes(input)));

    [Fact]
    public void Canonicalize_ControlCharacters_UseShortOrLowerHexEscapes() =>
        Assert.Equal("\"\\b\\t\\n\\f\\r\\u0000\\u001f\u007f\"", Encoding.UTF8.GetString(Jcs.Canonicalize("\"\\b\\t\\n\\f\\r\\u0000\\u001F\\u007F\""u8)));

    [Fact]
    public void Canonicalize_IsIdempotent()
    {
        foreach (var row in ReferenceData)
        {
            var once = Jcs.Canonicalize(Encoding.UTF8.GetBytes((string)row[1]));
            Assert.Equal(once, Jcs.Canonicalize(once));
        }
    }
}
