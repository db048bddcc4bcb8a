using System.ComponentModel.DataAnnotations;

namespace PacSpace.ControlPlane.Jobs;

/// <summary>What every job's options section has; each job adds its retry timings.</summary>
public abstract class JobOptions
{
    /// <summary>How long a claimed job stays with one worker; a crashed worker's job is free again after it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a worker looks for due jobs when nothing woke it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one call to a plane may take; shorter than <see cref="LeaseDuration"/>.</summary>
    public abstract TimeSpan RequestTimeout { get; set; }

    /// <summary>Set to false on replicas that should serve the API only.</summary>
    public bool WorkerEnabled { get; set; } = true;
}
