using System.Security.Cryptography;
using System.Text;
using PacSpace.Contracts.Webhooks;
using PacSpace.Plane.Features.Webhooks;

namespace PacSpace.Plane.Tests;

/// <summary>The retry schedules and what one attempt leaves behind; the signature header the sender writes.</summary>
public sealed class WebhookScheduleTests
{
    private static readonly WebhookDeliveryOptions Defaults = new();

    [Fact]
    public void Production_TenAttemptsOverAboutThreeDays_FirstRetryWithinFiveSeconds()
    {
        var waits = Defaults.RetriesFor("production");
        Assert.Equal(10, waits.Length + 1);
        Assert.True(waits[0] <= TimeSpan.FromSeconds(5));
        var total = TimeSpan.FromTicks(waits.Sum(w => w.Ticks));
        Assert.InRange(total, TimeSpan.FromDays(2.5), TimeSpan.FromDays(3.5));
        Assert.True(waits.Zip(waits.Skip(1)).All(p => p.First <= p.Second), "waits never shrink");
    }

    [Fact]
    public void Sandbox_FirstRetryWithinFiveSeconds_LastAttemptWithinFifteenMinutesEvenWithFullJitter()
    {
        var waits = Defaults.RetriesFor("sandbox");
        Assert.True(waits[0] * (1 + Defaults.Jitter) <= TimeSpan.FromSeconds(5));
        var longest = TimeSpan.FromTicks(waits.Sum(w => w.Ticks)) * (1 + Defaults.Jitter);
        Assert.True(longest <= TimeSpan.FromMinutes(15), $"{longest}");
    }

    [Fact]
    public void Outcome_FollowsTheScheduleWithJitter_ThenFails()
    {
        var waits = Defaults.RetriesFor("sandbox");
        for (var made = 0; made < waits.Length; made++)
        {
            var claim = new WebhookDeliveryStore.Claimed { Id = 1, Attempts = made };
            var failed = new WebhookAttempt(1_000_000, 500, 20, "no", null);
            var outcome = WebhookDispatcher.Outcome(claim, failed, waits, Defaults.Jitter);
            Assert.Equal(WebhookDeliveryStates.Retrying, outcome.State);
            var wait = outcome.NextAttemptAt!.Value - 1_000_020;
            Assert.InRange(wait, (long)(waits[made].TotalMilliseconds * 0.9) - 1, (long)(waits[made].TotalMilliseconds * 1.1) + 1);
        }

        var last = WebhookDispatcher.Outcome(new WebhookDeliveryStore.Claimed { Attempts = waits.Length }, new WebhookAttempt(0, null, 10_000, null, "timeout"), waits, 0.1);
        Assert.Equal(WebhookDeliveryStates.Failed, last.State);
        Assert.Null(last.NextAttemptAt);
        var delivered = WebhookDispatcher.Outcome(new WebhookDeliveryStore.Claimed { Attempts = 3 }, new WebhookAttempt(0, 204, 5, null, null), waits, 0.1);
        Assert.Equal(WebhookDeliveryStates.Delivered, delivered.State);
        Assert.Null(delivered.NextAttemptAt);
    }

    [Theory]
    [InlineData(199, false)]
    [InlineData(200, true)]
    [InlineData(299, true)]
    [InlineData(300, false)]
    [InlineData(410, false)]
    public void OnlyA2xxIsADelivery(int status, bool delivered) => Assert.Equal(delivered, new WebhookAttempt(0, status, 1, null, null).Delivered);

    [Fact]
    public void Signature_IsTheContractVector_AndNewestFirstDuringAnOverlap()
    {
        var body = Encoding.UTF8.GetBytes("""{"id":"evt_1","event":"delta.verified","data":{"recordId":"rec_1"}}""");
        Assert.Equal("v1=d88462a422a15e9649216e9c555ca723993c34a780bf5e0f080ece22cb2aefff", WebhookSender.Sign(["whsec_test"], "1700000000", body));
        var both = WebhookSender.Sign(["whsec_new", "whsec_test"], "1700000000", body).Split(',');
        Assert.Equal(2, both.Length);
        Assert.Equal("v1=" + Convert.ToHexStringLower(HMACSHA256.HashData("whsec_new"u8.ToArray(), Encoding.UTF8.GetBytes("1700000000." + Encoding.UTF8.GetString(body)))), both[0]);
        Assert.Equal("v1=d88462a422a15e9649216e9c555ca723993c34a780bf5e0f080ece22cb2aefff", both[1]);
    }
}
