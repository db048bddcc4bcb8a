namespace PacSpace.Sdk;

/// <summary>Settings of a <see cref="PacSpaceClient"/>. Only <see cref="ApiKey"/> is required.</summary>
public sealed class PacSpaceClientOptions
{
    /// <summary>The local Sandbox plane started by <c>pacspace up</c>.</summary>
    public static readonly Uri DefaultSandboxUrl = new("http://127.0.0.1:5081");

    /// <summary>The local Production plane started by <c>pacspace up</c>.</summary>
    public static readonly Uri DefaultProductionUrl = new("http://127.0.0.1:5082");

    /// <summary>
    /// The one origin of <c>pacspace up</c>: the dashboard's address, which also serves the Balance API for both kinds of key
    /// by forwarding each request to the plane of the key's prefix.
    /// </summary>
    public static readonly Uri DefaultOriginUrl = new("http://127.0.0.1:5080");

    /// <summary>The full API key, <c>pk_test_….sk_test_…</c> or <c>pk_live_….sk_live_…</c>. Its prefix picks the endpoint.</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>Endpoint for <c>pk_test_</c> keys. Default <see cref="DefaultSandboxUrl"/> (<c>http://127.0.0.1:5081</c>).</summary>
    public Uri SandboxUrl { get; set; } = DefaultSandboxUrl;

    /// <summary>Endpoint for <c>pk_live_</c> keys. Default <see cref="DefaultProductionUrl"/> (<c>http://127.0.0.1:5082</c>).</summary>
    public Uri ProductionUrl { get; set; } = DefaultProductionUrl;

    /// <summary>
    /// When set, used for every key instead of <see cref="SandboxUrl"/>/<see cref="ProductionUrl"/>: the one origin (the
    /// dashboard's address, which routes each request by the key's prefix; see <see cref="UseOneOrigin"/>), or a proxy or tunnel.
    /// Default none.
    /// </summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>
    /// One address for both kinds of key: sets <see cref="BaseUrl"/> to <paramref name="originUrl"/> (default
    /// <see cref="DefaultOriginUrl"/>), where the API sends each request to the plane of the key's environment, so
    /// <c>pk_test_</c> keys still reach Sandbox and <c>pk_live_</c> keys Production.
    /// </summary>
    /// <returns>These options, to chain.</returns>
    public PacSpaceClientOptions UseOneOrigin(Uri? originUrl = null)
    {
        BaseUrl = originUrl ?? DefaultOriginUrl;
        return this;
    }

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
