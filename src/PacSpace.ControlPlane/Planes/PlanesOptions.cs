using System.ComponentModel.DataAnnotations;

namespace PacSpace.ControlPlane.Planes;

/// <summary>Section <c>Planes</c>: how the control plane reaches the Sandbox and Production planes.</summary>
public sealed class PlanesOptions
{
    /// <summary>Shared secret sent to the planes' <c>/internal/*</c> routes.</summary>
    [Required, MinLength(32)]
    public string ServiceSecret { get; set; } = "";

    /// <summary>
    /// How long a dashboard request that a plane must answer (<c>POST /dashboard/customers</c>) waits for it before answering
    /// 503. Background jobs have their own timeouts.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// One origin (<c>/api/v1/*</c> forwarded to the plane of the key): how long opening a connection to a plane may take
    /// before the request is answered 503. A plane that refuses connections is answered at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:30")]
    public TimeSpan ForwardConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// One origin: how long a forwarded request may wait for the plane to make progress (its answer's headers, or the next
    /// bytes of a body) before it is answered 503 (or cut, once the answer has started).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan ForwardTimeout { get; set; } = TimeSpan.FromSeconds(30);

    [Required]
    public PlaneEndpoint Sandbox { get; set; } = new() { InternalUrl = "http://127.0.0.1:5081", PublicUrl = "http://127.0.0.1:5081" };

    [Required]
    public PlaneEndpoint Production { get; set; } = new() { InternalUrl = "http://127.0.0.1:5082", PublicUrl = "http://127.0.0.1:5082" };
}
