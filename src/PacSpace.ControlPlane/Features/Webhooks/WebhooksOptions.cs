using System.ComponentModel.DataAnnotations;
using PacSpace.ControlPlane.Planes;

namespace PacSpace.ControlPlane.Features.Webhooks;

/// <summary>Section <c>Webhooks</c>: which endpoints may be saved. The planes' delivery reads <c>AllowPrivateNetworks</c> from the same key.</summary>
public sealed class WebhooksOptions
{
    /// <summary>
    /// Whether endpoints may be on loopback and private addresses (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7,
    /// 127/8, ::1). <c>pacspace up</c> sets it (receivers on the same machine); <c>serve</c> keeps false. Link-local,
    /// metadata and unspecified addresses are refused either way.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Whether a Production endpoint must use https://. <c>pacspace up</c> turns it off for local receivers.</summary>
    public bool RequireHttpsForProduction { get; set; } = true;

    /// <summary>The most endpoints a tenant may have in one environment (deleted ones do not count).</summary>
    [Range(1, 1000)]
    public int MaxEndpointsPerEnvironment { get; set; } = 20;

    /// <summary>How long saving an endpoint waits for its host name to resolve before refusing it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:30")]
    public TimeSpan ResolveTimeout { get; set; } = TimeSpan.FromSeconds(3);
}

/// <summary>
/// Section <c>WebhookSync</c>: delivery of endpoint changes to the planes (the same timings as <c>KeySync</c>), reading
/// the planes' delivery figures back, and how long a test send may take.
/// </summary>
public sealed class WebhookSyncOptions : PlaneSyncOptions
{
    /// <summary>
    /// How often the planes' webhook stats feeds are read into <c>successCount</c>, <c>failureCount</c>, <c>lastTriggered</c>
    /// and the endpoints the planes disabled. Short: a delivery should show in the dashboard within seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan StatsPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long <c>POST /dashboard/webhooks/{id}/test</c> waits for the plane, which waits for the receiver: longer than the
    /// planes' own wait for a receiver, so that a slow receiver is reported as such rather than as the plane not answering.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:02:00")]
    public TimeSpan TestTimeout { get; set; } = TimeSpan.FromSeconds(20);
}
