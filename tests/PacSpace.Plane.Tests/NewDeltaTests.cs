using System.Text;
using System.Text.Json;
using PacSpace.Hosting.Errors;
using PacSpace.Plane.Features.Deltas;

namespace PacSpace.Plane.Tests;

public class NewDeltaTests
{
    private static Result<NewDelta> Parse(string json) => NewDelta.Read(Encoding.UTF8.GetBytes(json));

    private static IReadOnlyList<string> Fields(Result<NewDelta> result)
    {
        Assert.False(result.IsSuccess, "the delta was accepted");
        return Fields(result.Error);
    }

    private static IReadOnlyList<string> Fields(Error? error)
    {
        Assert.NotNull(error);
        Assert.Equal(ErrorCodes.ValidationError, error.Code);
        Assert.Equal(400, error.Status);
        return error.Details!.Select(d => d.Field).ToList();
    }

    [Fact]
    public void Read_AllFields_KeepsTextExactlyAsSent()
    {
        var delta = Parse("""{"customerId": " cust/1 ", "delta": -42, "reason": "API calls ", "referenceId": "inv-1", "metadata": {"region": "eu"}}""").Value;

        Assert.Equal(" cust/1 ", delta.CustomerId);
        Assert.Equal(-42, delta.Amount);
        Assert.Equal("API calls ", delta.Reason);
        Assert.Equal("inv-1", delta.ReferenceId);
        Assert.Equal("eu", delta.Metadata!.Value.GetProperty("region").GetString());
        Assert.Null(delta.Adjusts);
    }

    [Theory]
    [InlineData("""{"customerId": "c\u0000", "delta": 1, "reason": "r"}""", "customerId")]
    [InlineData("""{"customerId": "c\r\nX-Injected: 1", "delta": 1, "reason": "r"}""", "customerId")]
    [InlineData("""{"customerId": "invoice\u202Egnp.exe", "delta": 1, "reason": "r"}""", "customerId")]
    [InlineData("""{"customerId": "c", "delta": 1, "reason": "r", "referenceId": "ref\u2066x"}""", "referenceId")]
    [InlineData("""{"customerId": "c", "delta": 1, "reason": "r\u0007"}""", "reason")]
    [InlineData("""{"customerId": "c", "delta": 1, "reason": "r\r\nmore"}""", "reason")]
    [InlineData("""{"customerId": "c", "delta": 1, "reason": "refund \u200F"}""", "reason")]
    [InlineData("""{"customerId": "c", "delta": 1, "reason": "r\u0085"}""", "reason")]
    public void Read_ControlOrBidiCharacters_RefusedNamingTheField(string json, string field) =>
        Assert.Equal([field], Fields(Parse(json)));

    [Fact]
    public void Read_ReasonOverSeveralLinesWithTabs_Accepted()
    {
        var delta = Parse("""{"customerId": "cust/ü 1", "delta": 1, "reason": "line one\n\tline two"}""").Value;

        Assert.Equal("line one\n\tline two", delta.Reason);
        Assert.Equal("cust/ü 1", delta.CustomerId);
    }

    [Fact]
    public void Read_OptionalFieldsLeftOut_AreNull()
    {
        var delta = Parse("""{"customerId": "c", "delta": 5, "reason": "r"}""").Value;

        Assert.Null(delta.ReferenceId);
        Assert.Null(delta.Metadata);
        Assert.Null(delta.Adjusts);
    }

    [Theory]
    [InlineData("-42.0", -42)]
    [InlineData("100.00", 100)]
    [InlineData("1e3", 1000)]
    [InlineData("1000000000", 1_000_000_000)]
    [InlineData("-1000000000", -1_000_000_000)]
    public void Read_WholeNumberInAnyJsonSpelling_Accepted(string number, long expected) =>
        Assert.Equal(expected, Parse($$"""{"customerId": "c", "delta": {{number}}, "reason": "r"}""").Value.Amount);

    [Theory]
    [InlineData("1.5", "must be a whole number; fractions are not accepted")]
    [InlineData("0", "must be a non-zero integer from -1000000000 to 1000000000")]
    [InlineData("-0.0", "must be a non-zero integer from -1000000000 to 1000000000")]
    [InlineData("1000000001", "must be a non-zero integer from -1000000000 to 1000000000")]
    [InlineData("-1000000001", "must be a non-zero integer from -1000000000 to 1000000000")]
    [InlineData("\"5\"", "must be a number (a non-zero integer from -1000000000 to 1000000000)")]
    [InlineData("true", "must be a number (a non-zero integer from -1000000000 to 1000000000)")]
    public void Read_BadDelta_RefusedNamingDeltaWithItsIssue(string value, string issue)
    {
        var result = Parse($$"""{"customerId": "c", "delta": {{value}}, "reason": "r"}""");

        Assert.Equal(["delta"], Fields(result));
        Assert.Equal(issue, result.Error!.Details![0].Issue);
    }

    [Theory]
    [InlineData("""{"delta": 5, "reason": "r"}""", "customerId")]
    [InlineData("""{"customerId": 7, "delta": 5, "reason": "r"}""", "customerId")]
    [InlineData("""{"customerId": "", "delta": 5, "reason": "r"}""", "customerId")]
    [InlineData("""{"customerId": "c", "delta": 5}""", "reason")]
    [InlineData("""{"customerId": "c", "delta": 5, "reason": ""}""", "reason")]
    [InlineData("""{"customerId": "c", "reason": "r"}""", "delta")]
    [InlineData("""{"customerId": "c", "delta": 5, "reason": "r", "referenceId": ""}""", "referenceId")]
    [InlineData("""{"customerId": "c", "delta": 5, "reason": "r", "referenceId": 9}""", "referenceId")]
    [InlineData("""{"customerId": "c", "delta": 5, "reason": "r", "metadata": {"n": 1}}""", "metadata")]
    [InlineData("""{"customerId": "c", "delta": 5, "reason": "r", "metadata": ["a"]}""", "metadata")]
    [InlineData("""{"customerId": "c", "delta": 5, "reason": "r", "adjusts": {"invoice": "x"}}""", "adjusts")]
    [InlineData("""{"customerId": "c", "delta": 5, "reason": "r", "adjusts": {"referenceId": "a", "recordId": "b"}}""", "adjusts")]
    [InlineData("""{"customerId": "c", "delta": 5, "reason": "r", "adjusts": {"referenceId": ""}}""", "adjusts")]
    [InlineData("""{"customerId": "c", "delta": 5, "reason": "r", "adjusts": "inv-1"}""", "adjusts")]
    public void Read_OneBadField_RefusedNamingThatFieldOnly(string json, string field) =>
        Assert.Equal([field], Fields(Parse(json)));

    [Fact]
    public void Read_EmptyObject_NamesEveryRequiredField() =>
        Assert.Equal(["customerId", "reason", "delta"], Fields(Parse("{}")));

    [Theory]
    [InlineData("customerId", NewDelta.MaxCustomerId)]
    [InlineData("reason", NewDelta.MaxReason)]
    [InlineData("referenceId", NewDelta.MaxReferenceId)]
    public void Read_TextAtItsLimit_AcceptedAndOneMore_Refused(string field, int max)
    {
        string Body(int length)
        {
            var fields = new Dictionary<string, object> { ["customerId"] = "c", ["delta"] = 1, ["reason"] = "r" };
            fields[field] = new string('x', length);
            return JsonSerializer.Serialize(fields);
        }

        Assert.True(Parse(Body(max)).IsSuccess);
        var tooLong = Parse(Body(max + 1));
        Assert.Equal([field], Fields(tooLong));
        Assert.Equal($"must be at most {max} characters", tooLong.Error!.Details![0].Issue);
    }

    [Fact]
    public void Read_MetadataOverTheByteLimit_RefusedNamingMetadata() =>
        Assert.Equal(["metadata"], Fields(Parse($$$"""{"customerId": "c", "delta": 5, "reason": "r", "metadata": {"k": "{{{new string('x', 4100)}}}"}}""")));

    [Theory]
    [InlineData("""{"referenceId": "inv-1"}""", """{"referenceId":"inv-1"}""")]
    [InlineData("""{ "recordId" : "rec_1" }""", """{"recordId":"rec_1"}""")]
    public void Read_Adjusts_KeptAsCanonicalJson(string adjusts, string expected) =>
        Assert.Equal(expected, Parse($$$"""{"customerId": "c", "delta": 5, "reason": "r", "adjusts": {{{adjusts}}}}""").Value.AdjustsJson);

    [Fact]
    public void Content_WithAdjusts_Version2WithAdjustsAsSentWithoutVersion1()
    {
        var plain = Parse("""{"customerId": "c", "delta": 5, "reason": "r", "referenceId": "adj-1"}""").Value.Content("tnt_x", "sandbox");
        var byReference = Parse("""{"customerId": "c", "delta": 5, "reason": "r", "referenceId": "adj-1", "adjusts": {"referenceId": "inv-1"}}""").Value.Content("tnt_x", "sandbox");
        var byRecord = Parse("""{"customerId": "c", "delta": 5, "reason": "r", "referenceId": "adj-1", "adjusts": {"recordId": "inv-1"}}""").Value.Content("tnt_x", "sandbox");

        Assert.Equal(1, plain.Version);
        Assert.Equal((2, 2), (byReference.Version, byRecord.Version));
        Assert.StartsWith("""{"adjusts":{"referenceId":"inv-1"},"amount":"5",""", Encoding.UTF8.GetString(byReference.Canonical()), StringComparison.Ordinal);
        Assert.EndsWith(""","v":2}""", Encoding.UTF8.GetString(byRecord.Canonical()), StringComparison.Ordinal);
        Assert.Equal(3, new[] { plain.ContentHash(), byReference.ContentHash(), byRecord.ContentHash() }.Select(Convert.ToHexString).Distinct().Count());
    }

    [Fact]
    public void ReadBatch_BadItem_FailsAloneWithFieldNamesCarryingItsIndex()
    {
        const string Good = """{"customerId": "c", "delta": 1, "reason": "r"}""";
        var input = EmitDeltaBatch.Input.Read("key", Encoding.UTF8.GetBytes($$"""{"deltas": [{{Good}}, {{Good}}, 7, {"customerId": "c", "delta": 0, "reason": "r"}]}""")).Value;

        Assert.Equal("key", input.IdempotencyKey);
        Assert.Equal([true, true, false, false], input.Deltas.Select(d => d.IsSuccess));
        Assert.Equal(["deltas[2]"], Fields(input.Deltas[2]));
        Assert.Equal(["deltas[3].delta"], Fields(input.Deltas[3]));
    }

    [Theory]
    [InlineData("""{"deltas": []}""")]
    [InlineData("""{"deltas": {}}""")]
    [InlineData("""{"deltas": null}""")]
    [InlineData("""{"items": [{}]}""")]
    public void ReadBatch_NoArrayOfItems_RefusedNamingDeltas(string json) =>
        Assert.Equal(["deltas"], Fields(EmitDeltaBatch.Input.Read(null, Encoding.UTF8.GetBytes(json)).Error));

    [Fact]
    public void ReadBatch_MoreThanTheLimit_RefusedNamingDeltas()
    {
        var items = string.Join(",", Enumerable.Repeat("""{"customerId": "c", "delta": 1, "reason": "r"}""", EmitDeltaBatch.MaxBatchItems + 1));

        var result = EmitDeltaBatch.Input.Read(null, Encoding.UTF8.GetBytes($$"""{"deltas": [{{items}}]}"""));

        Assert.Equal("must be an array of 1 to 100 delta objects", result.Error!.Details![0].Issue);
    }

    [Fact]
    public void RequestHash_SameContentOtherAdjustment_Differs()
    {
        var contentHash = new byte[32];

        Assert.Equal(NewDelta.RequestHash(contentHash, null), NewDelta.RequestHash(contentHash, null));
        Assert.NotEqual(NewDelta.RequestHash(contentHash, null), NewDelta.RequestHash(contentHash, """{"referenceId":"a"}"""));
    }
}
