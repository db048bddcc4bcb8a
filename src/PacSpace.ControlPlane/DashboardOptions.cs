using System.ComponentModel.DataAnnotations;

namespace PacSpace.ControlPlane;

/// <summary>Section <c>Dashboard</c>.</summary>
public sealed class DashboardOptions
{
    /// <summary>The URL users reach the control plane at; used in e-mail links.</summary>
    [Required, Url]
    public string PublicUrl { get; set; } = "http://127.0.0.1:5080";
}
