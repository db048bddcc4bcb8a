namespace PacSpace.Sdk;

/// <summary>Settings of a <see cref="PacSpaceClient"/>. Only <see cref="ApiKey"/> is required.</summary>
public sealed class PacSpaceClientOptions
{
    /// <summary>The local Sandbox plane started by <c>pacspace up</c>.</summary>
    public static readonly Uri DefaultSandboxUrl = new("http://127.0.0.1:5081");

    /// <summary>The local Production plane started by <c>pacspace up</c>.</summary>
    public static readonly Uri DefaultProductionUrl = new("http://127.0.0.1:5082");

    /// <summary>The full API key, <c>pk_test_….sk_test_…</c> or <c>pk_live_….sk_live_…</c>. Its prefix picks the endpoint.</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>Endpoint for <c>pk_test_</c> keys. Default <see cref="DefaultSandboxUrl"/> (<c>http://127.0.0.1:5081</c>).</summary>
    public Uri SandboxUrl { get; set; } = DefaultSandboxUrl;

    /// <summary>Endpoint for <c>pk_live_</c> keys. Default <see cref="DefaultProductionUrl"/> (<c>http://127.0.0.1:5082</c>).</summary>
    public Uri ProductionUrl { get; set; } = DefaultProductionUrl;

    /// <summary>When set, used for every key instead of <see cref="SandboxUrl"/>/<see cref="ProductionUrl"/> (a proxy, a tunnel). Default none.</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>
    /// A dashboard access token (<c>accessToken</c> of a login) of a user of the key's account, for the calls that need one
    /// besides the key: <see cref="Balance.BalanceClient.CreateCustomerAsync"/>. A token passed to the call wins. Default none.
    /// </summary>
    public string? DashboardToken { get; set; }

    /// <summary>Time allowed for one attempt of one request. Default 30 seconds.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Extra attempts after a retryable failure (408, 429 except <c>CADENCE_LIMIT</c>, 5xx, network errors). Default 2, so at most 3 attempts.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>Clock for backoff delays and webhook timestamps. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
