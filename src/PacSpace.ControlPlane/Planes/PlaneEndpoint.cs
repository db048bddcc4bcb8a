using System.ComponentModel.DataAnnotations;

namespace PacSpace.ControlPlane.Planes;

/// <summary>Where one plane is reached: by the control plane, and by SDKs.</summary>
public sealed class PlaneEndpoint
{
    /// <summary>Where the control plane calls the plane's internal API.</summary>
    [Required, Url]
    public string InternalUrl { get; set; } = "";

    /// <summary>
    /// Where the one origin forwards this plane's <c>/api/v1/*</c> requests over HTTP/2 without TLS: the plane's
    /// <c>Plane:OneOriginUrl</c> listener as the control plane reaches it. Empty: <see cref="InternalUrl"/> over HTTP/1.1.
    /// </summary>
    public string OneOriginUrl { get; set; } = "";

    /// <summary>The Balance API base URL SDKs use for this environment.</summary>
    [Required, Url]
    public string PublicUrl { get; set; } = "";
}
