using System.ComponentModel.DataAnnotations;

namespace PacSpace.ControlPlane.Features.ApiKeys;

/// <summary>Section <c>KeySync</c>: delivery of API key changes to the planes, and reading their key usage back.</summary>
public sealed class KeySyncOptions
{
    /// <summary>How long a dashboard call waits for the plane before answering <c>syncStatus: "pending"</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(2);

    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Longest wait between two deliveries of a pending change; bounds how late a plane that came back learns it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(5);

    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the planes' key-usage feeds are read into <c>lastUsedAt</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan UsagePollInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Set to false on replicas that should serve the API only.</summary>
    public bool WorkerEnabled { get; set; } = true;
}
