using System.Text;
using System.Text.Json;
using PacSpace.Ledger;
using PacSpace.Plane.Features.Records;

namespace PacSpace.Plane.Tests;

/// <summary>The Records API's body rules, without a host: what is accepted, what is hashed, which code answers which problem.</summary>
public class NewTransitionTests
{
    private const string Payload = """{"alg": "sha-256", "digest": "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", "byteLength": "5"}""";

    private static PacSpace.Hosting.Errors.Result<NewTransition> Read(string json) => NewTransition.Read(JsonDocument.Parse(json).RootElement);

    private static string Body(string lifecycle, string occurredAt = "2026-10-01T12:00:00Z", string extra = "") =>
        "{\"lifecycle\": \"" + lifecycle + "\", \"content\": {\"title\": \"t\", \"occurredAt\": \"" + occurredAt + "\", \"actorId\": \"a\", \"payloads\": [" + Payload + "]" + extra + "}}";

    [Fact]
    public void Read_OfficialClientBody_KeepsKnownMembersAsSent_InCanonicalForm()
    {
        var t = Read(Body("recorded", extra: """, "kind": "deploy", "note": null, "future": 1""")).Value;
        Assert.Equal(RecordLifecycle.Recorded, t.Lifecycle);
        Assert.Equal(
            """{"actorId":"a","kind":"deploy","occurredAt":"2026-10-01T12:00:00Z","payloads":[{"alg":"sha-256","byteLength":"5","digest":"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"}],"title":"t"}""",
            Encoding.UTF8.GetString(t.CanonicalContent));
        Assert.Equal(Encoding.UTF8.GetString(t.CanonicalContent), t.Content.GetRawText());
    }

    [Theory]
    [InlineData("2026-10-01T12:00:00Z")]
    [InlineData("2026-10-01T12:00:00.123456+02:00")]
    [InlineData("2026-10-01T12:00:00")]
    [InlineData("2026-10-01 12:00:00.123456")]
    [InlineData("2026-10-01T12:00Z")]
    [InlineData("2024-02-29T23:59:59-0500")]
    public void Read_OccurredAtInIsoForms_IsAccepted(string occurredAt) => Assert.True(Read(Body("recorded", occurredAt)).IsSuccess);

    [Theory]
    [InlineData("2026-10-01")]
    [InlineData("2026-02-30T12:00:00Z")]
    [InlineData("2026-10-01T24:00:00Z")]
    [InlineData("2026-10-01T12:00:60Z")]
    [InlineData("1 October 2026")]
    public void Read_OccurredAtNotADateTime_NamesIt(string occurredAt)
    {
        var error = Read(Body("recorded", occurredAt)).Error!;
        Assert.Equal(("VALIDATION_ERROR", "content.occurredAt"), (error.Code, error.Details!.Single().Field));
    }

    [Fact]
    public void Read_SeveralBrokenRules_AnswersThePlainestCode_NamingEveryField()
    {
        var error = Read("""{"lifecycle": "recorded", "content": {"title": 5, "occurredAt": "2026-10-01T12:00:00Z", "actorId": "a", "payloads": [{"alg": "md5", "digest": "x", "byteLength": "5"}]}}""").Error!;
        Assert.Equal("VALIDATION_ERROR", error.Code);
        Assert.Equal(["content.title", "content.payloads[0].alg", "content.payloads[0].digest"], error.Details!.Select(d => d.Field));
        var payload = Read("""{"lifecycle": "recorded", "content": {"title": "t", "occurredAt": "2026-10-01T12:00:00Z", "actorId": "a", "payloads": [{"alg": "md5", "digest": "x", "byteLength": "5"}]}}""").Error!;
        Assert.Equal((400, "RECORD_PAYLOAD_ALG_UNSUPPORTED"), (payload.Status, payload.Code));
        Assert.Equal(RecordErrors.Rule(RecordErrors.PayloadAlgUnsupported).Sentence, payload.Message);
    }

    [Theory]
    [InlineData("0", true)]
    [InlineData("\"0\"", true)]
    [InlineData("\"9007199254740991\"", true)]
    [InlineData("9007199254740991", true)]
    [InlineData("\"9007199254740992\"", false)]
    [InlineData("\"05\"", false)]
    [InlineData("\"+5\"", false)]
    [InlineData("5.0", true)]
    [InlineData("5.5", false)]
    [InlineData("true", false)]
    [InlineData("null", false)]
    public void Read_ByteLength_IsAWholeNumberOrItsDigits(string byteLength, bool accepted)
    {
        var body = Body("recorded").Replace("\"byteLength\": \"5\"", "\"byteLength\": " + byteLength, StringComparison.Ordinal);
        var result = Read(body);
        Assert.Equal(accepted, result.IsSuccess);
        if (!accepted)
        {
            Assert.Equal("RECORD_PAYLOAD_INVALID", result.Error!.Code);
        }
    }

    [Fact]
    public void RecordErrors_EveryCode_HasASentenceAndAStatus()
    {
        foreach (var code in RecordErrors.All)
        {
            var (status, sentence) = RecordErrors.Rule(code);
            Assert.InRange(status, 400, 409);
            Assert.EndsWith(".", sentence, StringComparison.Ordinal);
        }

        Assert.Equal("A record opens with recorded; amended and closed come after it.", RecordErrors.Rule(RecordErrors.GenesisMismatch).Sentence);
    }
}
