using System.ComponentModel.DataAnnotations;
using PacSpace.ControlPlane.Jobs;

namespace PacSpace.ControlPlane.Planes;

/// <summary>The timings of one kind of delivery to the planes (sections <c>KeySync</c>, <c>WebhookSync</c>).</summary>
public abstract class PlaneSyncOptions : JobOptions
{
    /// <summary>How long a dashboard call waits for the plane before answering <c>syncStatus: "pending"</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public override TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(2);

    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Longest wait between two deliveries of a pending change; bounds how late a plane that came back learns it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(5);
}
