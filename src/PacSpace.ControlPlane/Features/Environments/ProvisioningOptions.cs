using System.ComponentModel.DataAnnotations;
using PacSpace.ControlPlane.Jobs;

namespace PacSpace.ControlPlane.Features.Environments;

/// <summary>Section <c>Provisioning</c>: the job that activates environments on their planes.</summary>
public sealed class ProvisioningOptions : JobOptions
{
    /// <summary>Plane calls per activation before it is marked <c>failed</c>.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 6;

    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(500);

    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public override TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Jobs one worker runs at once.</summary>
    [Range(1, 256)]
    public int Concurrency { get; set; } = 8;
}
