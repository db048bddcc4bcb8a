using Microsoft.Extensions.Time.Testing;
using PacSpace.Sdk.Webhooks;

namespace PacSpace.Sdk.Tests;

/// <summary>Expected signatures computed independently with Python's hmac module; the first is the official clients' published vector.</summary>
public sealed class WebhookVerifierTests
{
    private const string Body = """{"id":"evt_1","event":"delta.verified","data":{"recordId":"rec_1"}}""";
    private const string Vector = "v1=d88462a422a15e9649216e9c555ca723993c34a780bf5e0f080ece22cb2aefff";

    [Fact]
    public void Verify_PublishedVector_Passes()
    {
        var verifier = new WebhookVerifier("whsec_test", At(1_700_000_000));
        Assert.True(verifier.Verify(Vector, "1700000000", Body));
    }

    [Theory]
    [InlineData("whsec_other", Vector, "1700000000", Body)]
    [InlineData("whsec_test", Vector, "1700000001", Body)]
    [InlineData("whsec_test", Vector, "1700000000", Body + " ")]
    [InlineData("whsec_test", "t=1700000000,v0=d88462a422a15e9649216e9c555ca723993c34a780bf5e0f080ece22cb2aefff", "1700000000", Body)]
    [InlineData("whsec_test", "v1=D88462A422A15E9649216E9C555CA723993C34A780BF5E0F080ECE22CB2AEFFF", "1700000000", Body)]
    [InlineData("whsec_test", "", "1700000000", Body)]
    [InlineData("whsec_test", Vector, "", Body)]
    [InlineData("whsec_test", Vector, "soon", Body)]
    public void Verify_AnythingChanged_Fails(string secret, string signature, string timestamp, string body)
    {
        Assert.False(new WebhookVerifier(secret, At(1_700_000_000)).Verify(signature, timestamp, body));
    }

    [Fact]
    public void Verify_RotationHeaderWithTwoSignatures_PassesUnderEitherSecretOnly()
    {
        const string body = """{"id":"evt_2"}""";
        const string header = "v1=8a66dcd44e86afdb72f569d30cfe2143bbb3824cdf9cafae664b1ef3be8e16af, v1=3329ae46f69b555945370db7ffbd35ff67d4852c1d79309df1c732f5985772a4";
        var clock = At(1_700_000_000);
        Assert.True(new WebhookVerifier("whsec_new", clock).Verify(header, "1700000000123", body));
        Assert.True(new WebhookVerifier("whsec_old", clock).Verify(header, "1700000000123", body));
        Assert.False(new WebhookVerifier("whsec_third", clock).Verify(header, "1700000000123", body));
        Assert.True(new WebhookVerifier(["whsec_third", "whsec_old"], clock).Verify(header, "1700000000123", body));
    }

    [Theory]
    [InlineData(1_700_000_300, true)]
    [InlineData(1_700_000_301, false)]
    [InlineData(1_699_999_700, true)]
    [InlineData(1_699_999_699, false)]
    public void Verify_Tolerance_300SecondsEitherWay(long now, bool expected)
    {
        Assert.Equal(expected, new WebhookVerifier("whsec_test", At(now)).Verify(Vector, "1700000000", Body));
    }

    [Fact]
    public void VerifyAndParse_HeadersAnyCase_ReturnsTheEvent_AndRefusesMissingOrBad()
    {
        var verifier = new WebhookVerifier("whsec_test", At(1_700_000_000));
        var evt = verifier.VerifyAndParse([new("x-pacspace-signature", Vector), new("X-PACSPACE-TIMESTAMP", "1700000000")], Body);
        Assert.Equal("delta.verified", evt.Event);
        Assert.Equal("rec_1", evt.Data.GetProperty("recordId").GetString());

        var missing = Assert.Throws<PacSpaceException>(() => verifier.VerifyAndParse([new("X-PacSpace-Signature", Vector)], Body));
        Assert.Equal("WEBHOOK_VERIFICATION_FAILED", missing.Code);
        Assert.Contains("X-PacSpace-Timestamp", missing.Message, StringComparison.Ordinal);
        Assert.Throws<PacSpaceException>(() => verifier.VerifyAndParse([new("X-PacSpace-Signature", Vector), new("X-PacSpace-Timestamp", "1700000000")], Body.Replace("rec_1", "rec_2", StringComparison.Ordinal)));
        Assert.Throws<ArgumentException>(() => new WebhookVerifier(""));
    }

    private static FakeTimeProvider At(long unixSeconds) => new(DateTimeOffset.FromUnixTimeSeconds(unixSeconds));
}
