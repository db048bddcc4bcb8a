using System.ComponentModel.DataAnnotations;

namespace PacSpace.ControlPlane.Planes;

/// <summary>Section <c>Planes</c>: how the control plane reaches the Sandbox and Production planes.</summary>
public sealed class PlanesOptions
{
    /// <summary>Shared secret sent to the planes' <c>/internal/*</c> routes.</summary>
    [Required, MinLength(32)]
    public string ServiceSecret { get; set; } = "";

    [Required]
    public PlaneEndpoint Sandbox { get; set; } = new() { InternalUrl = "http://127.0.0.1:5081", PublicUrl = "http://127.0.0.1:5081" };

    [Required]
    public PlaneEndpoint Production { get; set; } = new() { InternalUrl = "http://127.0.0.1:5082", PublicUrl = "http://127.0.0.1:5082" };
}
