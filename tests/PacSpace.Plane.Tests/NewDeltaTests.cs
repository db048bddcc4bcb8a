using System.Text.Json;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;
using PacSpace.Plane.Features.Deltas;

namespace PacSpace.Plane.Tests;

public class NewDeltaTests
{
    private static Result<NewDelta> Parse(string json, string prefix = "") =>
        NewDelta.Parse(new FieldReader(JsonDocument.Parse(json).RootElement.Clone(), prefix));

    private static IReadOnlyList<string> Fields(Result<NewDelta> result)
    {
        Assert.False(result.IsSuccess, "the delta was accepted");
        Assert.Equal(ErrorCodes.ValidationError, result.Error!.Code);
        Assert.Equal(400, result.Error.Status);
        return result.Error.Details!.Select(d => d.Field).ToList();
    }

    [Fact]
    public void Parse_AllFields_KeepsTextExactlyAsSent()
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
    public void Parse_ControlOrBidiCharacters_RefusedNamingTheField(string json, string field) =>
        Assert.Equal([field], Fields(Parse(json)));

    [Fact]
    public void Parse_ReasonOverSeveralLinesWithTabs_Accepted()
    {
        var delta = Parse("""{"customerId": "cust/ü 1", "delta": 1, "reason": "line one\n\tline two"}""").Value;

        Assert.Equal("line one\n\tline two", delta.Reason);
        Assert.Equal("cust/ü 1", delta.CustomerId);
    }

    [Fact]
    public void Parse_OptionalFieldsLeftOut_AreNull()
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
    public void Parse_WholeNumberInAnyJsonSpelling_Accepted(string number, long expected) =>
        Assert.Equal(expected, Parse($$"""{"customerId": "c", "delta": {{number}}, "reason": "r"}""").Value.Amount);

    [Theory]
    [InlineData("1.5", "must be a whole number; fractions are not accepted")]
    [InlineData("0", "must be a non-zero integer from -1000000000 to 1000000000")]
    [InlineData("-0.0", "must be a non-zero integer from -1000000000 to 1000000000")]
    [InlineData("1000000001", "must be a non-zero integer from -1000000000 to 1000000000")]
    [InlineData("-1000000001", "must be a non-zero integer from -1000000000 to 1000000000")]
    [InlineData("\"5\"", "must be a number (a non-zero integer from -1000000000 to 1000000000)")]
    [InlineData("true", "must be a number (a non-zero integer from -1000000000 to 1000000000)")]
    public void Parse_BadDelta_RefusedNamingDeltaWithItsIssue(string value, string issue)
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
    public void Parse_OneBadField_RefusedNamingThatFieldOnly(string json, string field) =>
        Assert.Equal([field], Fields(Parse(json)));

    [Fact]
    public void Parse_EmptyObject_NamesEveryRequiredField() =>
        Assert.Equal(["customerId", "reason", "delta"], Fields(Parse("{}")));

    [Theory]
    [InlineData("customerId", NewDelta.MaxCustomerId)]
    [InlineData("reason", NewDelta.MaxReason)]
    [InlineData("referenceId", NewDelta.MaxReferenceId)]
    public void Parse_TextAtItsLimit_AcceptedAndOneMore_Refused(string field, int max)
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
    public void Parse_MetadataOverTheByteLimit_RefusedNamingMetadata() =>
        Assert.Equal(["metadata"], Fields(Parse($$$"""{"customerId": "c", "delta": 5, "reason": "r", "metadata": {"k": "{{{new string('x', 4100)}}}"}}""")));

    [Theory]
    [InlineData("""{"referenceId": "inv-1"}""", """{"referenceId":"inv-1"}""")]
    [InlineData("""{ "recordId" : "rec_1" }""", """{"recordId":"rec_1"}""")]
    public void Parse_Adjusts_KeptAsCanonicalJson(string adjusts, string expected) =>
        Assert.Equal(expected, Parse($$$"""{"customerId": "c", "delta": 5, "reason": "r", "adjusts": {{{adjusts}}}}""").Value.Adjusts);

    [Fact]
    public void Parse_BatchItem_FieldNamesCarryTheItemPrefix() =>
        Assert.Equal(["deltas[3].delta"], Fields(Parse("""{"customerId": "c", "delta": 0, "reason": "r"}""", "deltas[3].")));

    [Fact]
    public void RequestHash_SameContentOtherAdjustment_Differs()
    {
        var contentHash = new byte[32];

        Assert.Equal(NewDelta.RequestHash(contentHash, null), NewDelta.RequestHash(contentHash, null));
        Assert.NotEqual(NewDelta.RequestHash(contentHash, null), NewDelta.RequestHash(contentHash, """{"referenceId":"a"}"""));
    }
}
