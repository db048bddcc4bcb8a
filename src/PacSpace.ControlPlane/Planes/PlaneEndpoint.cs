using System.ComponentModel.DataAnnotations;

namespace PacSpace.ControlPlane.Planes;

/// <summary>Where one plane is reached: by the control plane, and by SDKs.</summary>
public sealed class PlaneEndpoint
{
    /// <summary>Where the control plane calls the plane's internal API.</summary>
    [Required, Url]
    public string InternalUrl { get; set; } = "";

    /// <summary>The Balance API base URL SDKs use for this environment.</summary>
    [Required, Url]
    public string PublicUrl { get; set; } = "";
}
