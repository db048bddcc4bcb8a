using PacSpace.Ledger;
using PacSpace.Sdk.Balance;

namespace PacSpace.Sdk.Tests;

public sealed class ClientOptionsTests
{
    [Fact]
    public void Constructor_KeyPrefix_PicksEndpoint_AndBaseUrlOverrides()
    {
        var test = ApiKeyFormat.Generate(PacSpaceEnvironment.Sandbox).FullKey;
        var live = ApiKeyFormat.Generate(PacSpaceEnvironment.Production).FullKey;
        var sandbox = new Uri("http://sandbox.example:1");
        var production = new Uri("http://production.example:2");

        using var a = new PacSpaceClient(new PacSpaceClientOptions { ApiKey = test, SandboxUrl = sandbox, ProductionUrl = production });
        using var b = new PacSpaceClient(new PacSpaceClientOptions { ApiKey = live, SandboxUrl = sandbox, ProductionUrl = production });
        using var c = new PacSpaceClient(new PacSpaceClientOptions { ApiKey = live, SandboxUrl = sandbox, ProductionUrl = production, BaseUrl = new Uri("http://proxy.example") });
        using var d = new PacSpaceClient(test);

        Assert.Equal((PacSpaceEnvironment.Sandbox, sandbox), (a.Environment, a.BaseUrl));
        Assert.Equal((PacSpaceEnvironment.Production, production), (b.Environment, b.BaseUrl));
        Assert.Equal(new Uri("http://proxy.example"), c.BaseUrl);
        Assert.Equal(PacSpaceClientOptions.DefaultSandboxUrl, d.BaseUrl);
        Assert.Equal(new Uri("http://127.0.0.1:5081"), d.BaseUrl);
        Assert.Equal(new Uri("http://127.0.0.1:5082"), PacSpaceClientOptions.DefaultProductionUrl);
    }

    [Fact]
    public void UseOneOrigin_BothKeyKinds_CallTheOneAddress_AndKeepTheirEnvironment()
    {
        var test = ApiKeyFormat.Generate(PacSpaceEnvironment.Sandbox).FullKey;
        var live = ApiKeyFormat.Generate(PacSpaceEnvironment.Production).FullKey;
        var origin = new Uri("https://app.example");

        using var a = new PacSpaceClient(new PacSpaceClientOptions { ApiKey = test }.UseOneOrigin(origin));
        using var b = new PacSpaceClient(new PacSpaceClientOptions { ApiKey = live }.UseOneOrigin(origin));
        using var c = new PacSpaceClient(new PacSpaceClientOptions { ApiKey = live }.UseOneOrigin());

        Assert.Equal((PacSpaceEnvironment.Sandbox, origin), (a.Environment, a.BaseUrl));
        Assert.Equal((PacSpaceEnvironment.Production, origin), (b.Environment, b.BaseUrl));
        Assert.Equal(new Uri("http://127.0.0.1:5080"), c.BaseUrl);
        Assert.Equal(PacSpaceClientOptions.DefaultOriginUrl, c.BaseUrl);
    }

    [Fact]
    public void Constructor_BadKeys_ThrowWithAClearMessage()
    {
        var good = ApiKeyFormat.Generate(PacSpaceEnvironment.Sandbox).FullKey;
        var mistyped = good[..^1] + (good[^1] == 'a' ? 'b' : 'a');

        Assert.Contains("required", Assert.Throws<ArgumentException>(() => new PacSpaceClient("")).Message, StringComparison.Ordinal);
        Assert.Contains("pk_test_", Assert.Throws<ArgumentException>(() => new PacSpaceClient("sk_test_abc")).Message, StringComparison.Ordinal);
        Assert.Contains("pk_test_", Assert.Throws<ArgumentException>(() => new PacSpaceClient("pk_demo_abc")).Message, StringComparison.Ordinal);
        Assert.Contains("checksum", Assert.Throws<ArgumentException>(() => new PacSpaceClient(mistyped)).Message, StringComparison.Ordinal);
        Assert.Contains("checksum", Assert.Throws<ArgumentException>(() => new PacSpaceClient("pk_test_short")).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new PacSpaceClient(new PacSpaceClientOptions { ApiKey = good, MaxRetries = -1 }));
        Assert.Throws<ArgumentException>(() => new PacSpaceClient(new PacSpaceClientOptions { ApiKey = good, BaseUrl = new Uri("ftp://x") }));
        Assert.Throws<ArgumentException>(() => new PacSpaceClient(new PacSpaceClientOptions { ApiKey = good, BaseUrl = new Uri("http://user:pw@x") }));
    }

    [Fact]
    public void Scopes_OnlyValidCombinationsCanBeBuilt()
    {
        Assert.Equal("2026-04", BalanceScope.Month(2026, 4).Period);
        Assert.Equal("2026-04", BalanceScope.Month("2026-04").Period);
        Assert.Throws<ArgumentException>(() => BalanceScope.Month("2026-4"));
        Assert.Throws<ArgumentOutOfRangeException>(() => BalanceScope.Month(2026, 13));
        Assert.Throws<ArgumentException>(() => BalanceScope.Preset("custom"));
        Assert.Throws<ArgumentException>(() => BalanceScope.Custom(DateTimeOffset.UnixEpoch.AddDays(1), DateTimeOffset.UnixEpoch));
        var back = BalanceScope.MonthsBack(3, new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
        Assert.Equal(("custom", new DateTimeOffset(2026, 9, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero)),
            (back.TimePreset, back.StartDate!.Value, back.EndDate!.Value));
        Assert.Equal("recordId", BalanceScope.AfterDelta("rcp_x").StartingCheckpointType);
    }
}
