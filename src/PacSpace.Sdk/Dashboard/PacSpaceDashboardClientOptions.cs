namespace PacSpace.Sdk.Dashboard;

/// <summary>Settings of a <see cref="PacSpaceDashboardClient"/>.</summary>
public sealed class PacSpaceDashboardClientOptions
{
    /// <summary>The local control plane started by <c>pacspace up</c>.</summary>
    public static readonly Uri DefaultUrl = new("http://127.0.0.1:5080");

    /// <summary>The Dashboard API. Default <see cref="DefaultUrl"/> (<c>http://127.0.0.1:5080</c>).</summary>
    public Uri BaseUrl { get; set; } = DefaultUrl;

    /// <summary>A dashboard JWT from an earlier <see cref="PacSpaceDashboardClient.LoginAsync(string, string, System.Threading.CancellationToken)"/>; default none.</summary>
    public string? AccessToken { get; set; }

    /// <summary>Time allowed for one attempt. Default 30 seconds.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Extra attempts after a retryable failure. Default 2.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>Clock for backoff delays and polling. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
