using System.Text;
using CsCheck;
using PacSpace.Hosting.Web;

namespace PacSpace.Plane.Tests;

/// <summary>
/// The delta routes' own body reader answers every body as the document path (<see cref="LegacyDeltaBody"/>) did: the
/// same delta, or the same error (status, code, message, details in order). Bodies are generated: deltas valid and not,
/// fields of the wrong type, missing, extra, sent twice or under escaped names, odd numbers, text with control and
/// bidirectional characters, stray bytes, escapes with lone surrogates, nested junk, batches of mixed items, and whole
/// bodies cut short or otherwise broken.
/// </summary>
public class DeltaBodyParityTests
{
    private static byte[] B(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] Cat(IEnumerable<byte[]> parts) => [.. parts.SelectMany(p => p)];

    private static byte[] Join(string separator, IEnumerable<byte[]> parts) =>
        Cat(parts.SelectMany((p, i) => i == 0 ? [p] : new[] { B(separator), p }));

    /// <summary>Whitespace where JSON allows it (which moves the positions quoted in syntax errors).</summary>
    private static readonly Gen<string> Space = Gen.Frequency((12, Gen.Const("")), (1, Gen.OneOf(" ", "\n", "\r\n\t ")));

    private static readonly Gen<byte[]> Clean = Gen.Frequency(
        (20, Gen.OneOf("cust_17", "api_call", "ref-p1-123456", "c", "x y", "inv-1", "rec_1", "é", "😀", "ü 1", "'").Select(B)),
        (2, Gen.OneOf(@"\n", @"\t", @"\u0041", @"\""", @"\\", @"\/", @"\ud83d\ude00", @"\u00e9", @"\uDBFF\uDFFF").Select(B)),
        (1, Gen.Select(Gen.Frequency((3, Gen.OneOf(1, 255, 256, 257, 499, 500, 501)), (1, Gen.Int[1, 520])), Gen.OneOf("x", "é"),
            (n, s) => B(string.Concat(Enumerable.Repeat(s, n))))));

    /// <summary>Text that is valid JSON but breaks the character rules (controls, bidirectional formatting), raw or escaped.</summary>
    private static readonly Gen<byte[]> Odd = Gen.OneOf(
        "\u202E", "\u2066", "\u200F", "\u0085", "\u007F", "\u2028", "\u061C", "\u009F", "\u00A0", @"\r", @"\u0000", @"\u0007", @"\u202e", @"\b", @"\f").Select(B);

    /// <summary>Strings that are not text: lone surrogate escapes, stray bytes.</summary>
    private static readonly Gen<byte[]> NotText = Gen.Frequency(
        (1, Gen.OneOf(@"\ud800", @"\udc00", @"\ud800x", @"\ud800\u0041", @"\ud800\ud800", @"\udfff\ud800", @"\udc00\udc00", @"\udc00\ud800\udc00", @"\ud800\n").Select(B)),
        (1, Gen.OneOf<byte[]>([0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80], [0x80], [0xfe])));

    /// <summary>Not JSON at all: raw control characters in a string, bad escapes.</summary>
    private static readonly Gen<byte[]> Broken = Gen.Frequency(
        (1, Gen.OneOf<byte[]>([0x01], [0x0a], [0x09], [0x1f])),
        (1, Gen.OneOf(@"\x", @"\u12g4", @"\").Select(B)));

    /// <summary>What goes between the quotes of a string or a name: mostly clean text.</summary>
    private static readonly Gen<byte[]> Content = Gen.Frequency(
        (24, Clean.Array[0, 3]),
        (5, Gen.Frequency((3, Clean), (2, Odd)).Array[1, 3]),
        (2, Gen.Frequency((3, Clean), (1, Odd), (2, NotText)).Array[1, 3]),
        (1, Gen.Frequency((3, Clean), (1, NotText), (1, Broken)).Array[1, 3]))
        .Select(Cat);

    private static readonly Gen<byte[]> StringToken = Content.Select(c => Cat([B("\""), c, B("\"")]));

    private static readonly Gen<byte[]> Number = Gen.Frequency(
        (10, Gen.OneOf("-5", "5", "-42", "-42.0", "100.00", "1e3", "1E3", "1e+3", "-0", "0", "0.0", "-0.0", "1.5", "-0.5", "5e-1", "1e400", "-1e-400",
            "1000000000", "1000000001", "-1000000000", "-1000000001", "1e9", "1.0e9", "10e8", "99999999999999999999999999999999",
            "79228162514264337593543950335", "0.00000000000000000000000000001", "123456789012345678901234567890e-20").Select(B)),
        (8, Gen.Int[-1_000_000, 1_000_000].Select(n => B(n.ToString(System.Globalization.CultureInfo.InvariantCulture)))),
        (3, Gen.Long.Select(n => B(n.ToString(System.Globalization.CultureInfo.InvariantCulture)))),
        (2, Gen.Int[-2000, 2000].Select(n => B($"{n}.0"))),
        (1, Gen.Frequency((4, Gen.Const("1")), (1, Gen.OneOf("01", "-", "1.", ".5", "+1", "1e", "NaN", "Infinity", "0x10", "1_000"))).Select(B)));

    private static readonly Gen<byte[]> Literal = Gen.OneOf("true", "false", "null").Select(B);

    private static readonly Gen<byte[]> Scalar = Gen.Frequency((3, StringToken), (2, Number), (1, Literal));

    /// <summary>A property name (between quotes): the known ones, escaped spellings of them, others.</summary>
    private static readonly Gen<byte[]> Name = Gen.Frequency(
        (12, Gen.OneOf("customerId", "delta", "reason", "referenceId", "metadata", "adjusts", "deltas").Select(B)),
        (2, Gen.OneOf(@"customer\u0049d", @"\u0064elta", @"reaso\u006e", @"d\u0065ltas").Select(B)),
        (3, Gen.OneOf("unexpected", "a", "", "a'b", "Delta", "customerid", "a_rather_long_field_name", @"\ud800", @"\udc00\udc00", @"x\ud83d\ude00", @"\u00e9", "[0]", "note").Select(B)),
        (1, Content));

    /// <summary>The name of an extra field: mostly unknown, sometimes a known one again (sent twice).</summary>
    private static readonly Gen<byte[]> ExtraName = Gen.Frequency(
        (10, Gen.Int[0, 99].Select(i => B($"extra{i}"))),
        (2, Gen.OneOf("unexpected", "customerid", "Delta", "fifteen_chars_x", "sixteen_chars_xx", "a_rather_long_field_name", "it's", "long_é_and_😀_name").Select(B)),
        (1, Name));

    private static Gen<byte[]> Value(int depth) => depth == 0
        ? Scalar
        : Gen.Frequency(
            (4, Scalar),
            (1, Value(depth - 1).Array[0, 3].Select(items => Cat([B("["), Join(",", items), B("]")]))),
            (1, Gen.Select(Gen.Frequency((4, Gen.Int[0, 20].Select(i => B($"k{i}"))), (1, Name)), Value(depth - 1)).Array[0, 3].Select(pairs => Object(pairs.Select(p => (p.Item1, p.Item2)), ""))));

    private static readonly Gen<byte[]> Junk = Value(2);

    private static byte[] Object(IEnumerable<(byte[] Name, byte[] Value)> pairs, string space) =>
        Cat([B("{" + space), Join("," + space, pairs.Select(p => Cat([B("\""), p.Name, B("\"" + space + ":" + space), p.Value]))), B(space + "}")]);

    private static readonly Gen<byte[]> Text = Gen.Frequency((24, StringToken), (2, Scalar), (1, Junk));

    private static readonly Gen<byte[]> Amount = Gen.Frequency((24, Number), (2, Scalar), (1, Junk));

    private static readonly Gen<byte[]> Metadata = Gen.Frequency(
        (6, Gen.OneOf("{}", """{"region":"eu"}""", """{"n":1}""", """{"a":{"b":["x",{"c":"d"}]}}""", """["a"]""", "\"text\"", "null", "7",
            """{"a":"1","a":"2"}""", """{"\ud800":"x"}""", """{"k":"\u00e9\n"}""", """{"z":"1","a":"2","é":"3","\u00e9x":"4"}""").Select(B)),
        (1, Gen.OneOf(4080, 4100).Select(n => B($$"""{"k":"{{new string('x', n)}}"}"""))),
        (1, Gen.Int[28, 34].Select(n => B(string.Concat(Enumerable.Repeat("{\"a\":", n)) + "\"x\"" + new string('}', n)))),
        (1, Gen.Int[17, 40].Select(n => Object(Enumerable.Range(0, n).Select(i => (B($"k{i % (n - 1)}"), B("\"v\""))), ""))),
        (3, Junk));

    private static readonly Gen<byte[]> Adjusts = Gen.Frequency(
        (6, Gen.OneOf("""{"referenceId":"inv-1"}""", """{ "recordId" : "rec_1" }""", """{"referenceId":""}""", """{"referenceId":"a","recordId":"b"}""",
            """{"invoice":"x"}""", "\"inv-1\"", """{"referenceId":5}""", "null", """{"referenceId":"\u00e9\ud83d\ude00"}""", """{"recordId":"\ud800"}""",
            """{"referenceId":"a","referenceId":"b"}""").Select(B)),
        (1, Gen.OneOf(256, 257).Select(n => B($$"""{"referenceId":"{{new string('r', n)}}"}"""))),
        (2, Junk));

    private static Gen<(string Name, byte[] Value)?> Maybe(string name, Gen<byte[]> value, int present, int absent) => Gen.Frequency(
        (present, value.Select(v => ((string, byte[])?)(name, v))),
        (absent, Gen.Const(((string, byte[])?)null)));

    /// <summary>One delta object: the known fields (mostly present, mostly valid), some extra fields, now and then a twist.</summary>
    private static readonly Gen<byte[]> DeltaObject = Gen.Select(
        Gen.Select(
            Maybe("customerId", Text, 9, 1), Maybe("delta", Amount, 9, 1), Maybe("reason", Text, 9, 1), Maybe("referenceId", Text, 2, 3),
            Maybe("metadata", Metadata, 1, 4), Maybe("adjusts", Adjusts, 1, 5),
            (c, d, r, f, m, a) => new[] { c, d, r, f, m, a }.Where(p => p is not null).Select(p => (B(p!.Value.Name), p.Value.Value)).ToList()),
        Gen.Select(ExtraName, Junk).Array[0, 2],
        Gen.Int[0, 39],
        Gen.Int[0, int.MaxValue],
        Space,
        (known, extras, twist, pick, space) =>
        {
            var pairs = known.Concat(extras.Select(e => (e.Item1, e.Item2))).ToList();
            var random = new Random(pick);
            if (pairs.Count > 0)
            {
                var at = random.Next(pairs.Count);
                switch (twist)
                {
                    case 0 or 1:
                        pairs.Insert(random.Next(pairs.Count + 1), (pairs[at].Item1, random.Next(2) == 0 ? pairs[at].Item2 : B("1")));
                        break;
                    case 2 when pairs[at].Item1.Length > 0 && pairs[at].Item1[0] < 0x80:
                        pairs[at] = (Cat([B($"\\u{pairs[at].Item1[0]:x4}"), pairs[at].Item1[1..]]), pairs[at].Item2);
                        break;
                    case >= 3 and < 10:
                        pairs = [.. pairs.OrderBy(_ => random.Next())];
                        break;
                }
            }

            return Object(pairs, space);
        });

    private static readonly Gen<byte[]> SimpleItem = Gen.Int[0, 9999].Select(i => B($$"""{"customerId":"c","delta":1,"reason":"r","referenceId":"ref-{{i}}"}"""));

    private static readonly Gen<byte[]> Items = Gen.Frequency(
        (12, Gen.Frequency((8, DeltaObject), (1, Junk)).Array[1, 5]),
        (1, Gen.Const(Array.Empty<byte[]>())),
        (1, Gen.Int[98, 102].SelectMany(n => SimpleItem.Array[n])))
        .Select(items => Cat([B("["), Join(",", items), B("]")]));

    private static readonly Gen<byte[]> Batch = Gen.Select(
        Gen.Frequency((12, Items), (1, Junk)),
        Gen.Select(ExtraName, Junk).Array[0, 1],
        Gen.Int[0, 19],
        Space,
        (items, extras, twist, space) =>
        {
            var pairs = new List<(byte[], byte[])> { (B("deltas"), items) };
            pairs.AddRange(extras.Select(e => (e.Item1, e.Item2)));
            if (twist == 0)
            {
                pairs.Add((B("deltas"), items));
            }
            else if (twist == 1)
            {
                pairs.Reverse();
            }

            return Object(pairs, space);
        });

    /// <summary>A whole body, sometimes broken afterwards: cut short, a byte slipped in, garbage after it, a byte order mark.</summary>
    private static readonly Gen<byte[]> Body = Gen.Select(
        Gen.Frequency((5, DeltaObject), (4, Batch), (1, Value(3)), (1, Gen.OneOf("", " ", "[]", "42", "null", "\"s\"", "{", "}", "{}", "\uFEFF{}").Select(B))),
        Gen.Int[0, 40],
        Gen.Int[0, int.MaxValue],
        Gen.Byte,
        (body, mutation, position, b) => mutation switch
        {
            0 => body[..(position % (body.Length + 1))],
            1 => Cat([body[..(position % (body.Length + 1))], [b], body[(position % (body.Length + 1))..]]),
            2 => Cat([body, B(position % 2 == 0 ? " x" : ",{}")]),
            3 => Cat([B("\uFEFF"), body]),
            4 => Cat([B("\n  "), body, B("\n")]),
            5 => Cat([B(new string('[', 33)), body, B(new string(']', 33))]),
            _ => body,
        });

    private static readonly Gen<string?> ContentType = Gen.Frequency(
        (30, Gen.Const<string?>("application/json")),
        (1, Gen.OneOf<string?>("application/json; charset=utf-8", "text/plain", null, "application/merge-patch+json", "Application/JSON", "application/jsonx")));

    [Fact]
    public void Read_GeneratedBodies_AnswerAsTheDocumentPathDid() =>
        Gen.Select(Body, ContentType).Sample((body, contentType) =>
        {
            Assert.Equal(DeltaBodies.Old(body, batch: false, contentType), DeltaBodies.New(body, batch: false, contentType));
            Assert.Equal(DeltaBodies.Old(body, batch: true, contentType), DeltaBodies.New(body, batch: true, contentType));
        }, iter: Iterations, print: t => $"{DeltaBodies.Show(t.Item1)} as {t.Item2 ?? "(no content type)"}");

    /// <summary>More with PACSPACE_PARITY_ITERATIONS for a longer hunt.</summary>
    private static long Iterations =>
        long.TryParse(Environment.GetEnvironmentVariable("PACSPACE_PARITY_ITERATIONS"), out var n) ? n : 20_000;

    [Theory]
    [InlineData("""{"customerId":"cust_17","delta":-5,"reason":"api_call","referenceId":"ref-p1-123456"}""", null)]
    [InlineData("""{"customerId":"c","delta":1,"reason":"ok","delta":2}""", "delta")]
    [InlineData("""{"a":1,"a":2,"b":{"c":1,"c":2}}""", "c")]
    [InlineData("""{"b":{"\ud800":1},"a":1,"a":1}""", "body")]
    [InlineData("""{"\ud800":1,"b":{"c":1,"c":1}}""", "c")]
    [InlineData("""{"deltas":[{"a":1,"a":1},{"b":1,"b":1}]}""", "a")]
    [InlineData("""{"a_rather_long_field_name":1,"a_rather_long_field_name":2}""", "a_rather_long_f...")]
    [InlineData("""{"it's":1,"it's":2}""", "it")]
    [InlineData("""{"<ff>":1,"<ff>":2}""", "\uFFFD")]
    [InlineData("""{"a":1,"\u0061":2}""", "a")]
    [InlineData("""{"customer\u0049d":"c","delta":1,"reason":"r"}""", null)]
    [InlineData("""{"a":"\ud800","b":"<ff>"}""", "a")]
    [InlineData("""{"x":[1,{"<ff>":2}]}""", "x[1]")]
    [InlineData("""{"customerId":"c","delta":1,"reason":"ok","metadata":{"note":"<ff>"}}""", "metadata.note")]
    [InlineData("""{"deltas":[{"customerId":"c","delta":1,"reason":"ok"},{"customerId":"c","delta":1,"reason":"\udc00x"}]}""", "deltas[1].reason")]
    [InlineData("""{"a":1,"a":2,}""", "body")]
    [InlineData("""[{"a":1,"a":2}]""", "a")]
    [InlineData("""[1,"<ff>"]""", "body")]
    [InlineData("<ef><bb><bf>{}", "customerId")]
    [InlineData("", "body")]
    public void Read_NamedCase_AnswersAsTheDocumentPathDidNamingTheField(string body, string? firstField)
    {
        var bytes = DeltaBodies.Bytes(body);

        var answer = DeltaBodies.New(bytes, batch: false);

        Assert.Equal(DeltaBodies.Old(bytes, batch: false), answer);
        Assert.Equal(DeltaBodies.Old(bytes, batch: true), DeltaBodies.New(bytes, batch: true));
        Assert.StartsWith(firstField is null ? "delta " : "error 400 VALIDATION_ERROR", answer, StringComparison.Ordinal);
        if (firstField is not null)
        {
            Assert.Contains("details [\"" + firstField.Replace("\uFFFD", "\\ufffd", StringComparison.Ordinal) + "\": ", answer, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("text/plain", "error 415 UNSUPPORTED_MEDIA_TYPE")]
    [InlineData(null, "error 415 UNSUPPORTED_MEDIA_TYPE")]
    [InlineData("application/problem+json; charset=utf-8", "delta ")]
    public void Read_ContentType_AnswersAsTheDocumentPathDid(string? contentType, string expected)
    {
        var body = B("""{"customerId":"c","delta":1,"reason":"r"}""");

        var answer = DeltaBodies.New(body, batch: false, contentType);

        Assert.StartsWith(expected, answer, StringComparison.Ordinal);
        Assert.Equal(DeltaBodies.Old(body, batch: false, contentType), answer);
    }

    [Fact]
    public void Read_DeclaredLengthOverTheLimit_413LikeTheDocumentPath()
    {
        var body = B("""{"customerId":"c","delta":1,"reason":"r"}""");

        var answer = DeltaBodies.New(body, batch: true, contentLength: JsonBody.MaxBytes + 1);

        Assert.StartsWith("error 413 PAYLOAD_TOO_LARGE", answer, StringComparison.Ordinal);
        Assert.Equal(DeltaBodies.Old(body, batch: true, contentLength: JsonBody.MaxBytes + 1), answer);
    }

    [Fact]
    public async Task Read_BodyLongerThanTheLimitWithoutALength_413()
    {
        var body = B($$"""{"customerId":"c","delta":1,"reason":"{{new string('r', (int)JsonBody.MaxBytes)}}"}""");
        var request = DeltaBodies.Request(body);
        request.ContentLength = null;

        var answer = await JsonBody.ReadBytesAsync(request, default);

        Assert.Equal(413, answer.Error?.Status);
    }
}
