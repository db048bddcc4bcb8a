using System.ComponentModel.DataAnnotations;
using PacSpace.ControlPlane.Jobs;

namespace PacSpace.ControlPlane.Features.ApiKeys;

/// <summary>Section <c>KeySync</c>: delivery of API key changes to the planes, and reading their key usage back.</summary>
public sealed class KeySyncOptions : JobOptions
{
    /// <summary>How long a dashboard call waits for the plane before answering <c>syncStatus: "pending"</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public override TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(2);

    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Longest wait between two deliveries of a pending change; bounds how late a plane that came back learns it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the planes' key-usage feeds are read into <c>lastUsedAt</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan UsagePollInterval { get; set; } = TimeSpan.FromSeconds(20);
}
