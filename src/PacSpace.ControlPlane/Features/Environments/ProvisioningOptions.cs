using System.ComponentModel.DataAnnotations;

namespace PacSpace.ControlPlane.Features.Environments;

/// <summary>Section <c>Provisioning</c>: the job that activates environments on their planes.</summary>
public sealed class ProvisioningOptions
{
    /// <summary>Plane calls per activation before it is marked <c>failed</c>.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 6;

    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(500);

    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a claimed job stays with one worker; a crashed worker's job is free again after it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a worker looks for due jobs when nothing woke it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Jobs one worker runs at once.</summary>
    [Range(1, 256)]
    public int Concurrency { get; set; } = 8;

    /// <summary>Set to false on replicas that should serve the API only.</summary>
    public bool WorkerEnabled { get; set; } = true;
}
