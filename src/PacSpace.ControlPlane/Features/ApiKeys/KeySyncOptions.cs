using System.ComponentModel.DataAnnotations;
using PacSpace.ControlPlane.Planes;

namespace PacSpace.ControlPlane.Features.ApiKeys;

/// <summary>Section <c>KeySync</c>: delivery of API key changes to the planes, and reading their key usage back.</summary>
public sealed class KeySyncOptions : PlaneSyncOptions
{
    /// <summary>How often the planes' key-usage feeds are read into <c>lastUsedAt</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan UsagePollInterval { get; set; } = TimeSpan.FromSeconds(20);
}
