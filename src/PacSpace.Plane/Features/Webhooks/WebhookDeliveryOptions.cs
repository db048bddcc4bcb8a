using System.ComponentModel.DataAnnotations;

namespace PacSpace.Plane.Features.Webhooks;

/// <summary>
/// Section <c>Webhooks</c> as the plane reads it: how events are delivered. <c>AllowPrivateNetworks</c> is the same key the
/// control plane checks when an endpoint is saved; here it is checked again against the address each connection actually
/// reaches (a name may resolve differently later).
/// </summary>
public sealed class WebhookDeliveryOptions
{
    /// <summary>Whether deliveries may reach loopback and private addresses (<c>pacspace up</c>: true; <c>serve</c>: false).</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>How long one attempt may take, connection to answer: a 2xx within it is a delivery.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts in flight to one endpoint at a time: a slow receiver holds only its own slots.</summary>
    [Range(1, 64)]
    public int ConcurrencyPerEndpoint { get; set; } = 8;

    /// <summary>Attempts in flight on this replica, all endpoints together.</summary>
    [Range(1, 4096)]
    public int MaxConcurrency { get; set; } = 256;

    /// <summary>How often the dispatcher looks for new events and due attempts when nothing wakes it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Waits before each retry in Production, after the first attempt fails: one attempt plus one per entry (10 by default,
    /// over about three days). Each wait varies by ±<see cref="Jitter"/>.
    /// </summary>
    [MinLength(0), MaxLength(30)]
    public TimeSpan[] ProductionRetries { get; set; } =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(5),
        TimeSpan.FromHours(10), TimeSpan.FromHours(14), TimeSpan.FromHours(20), TimeSpan.FromHours(20),
    ];

    /// <summary>Waits before each retry in Sandbox: the first within 5 s, the last attempt within 15 minutes of the first.</summary>
    [MinLength(0), MaxLength(30)]
    public TimeSpan[] SandboxRetries { get; set; } =
    [
        TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1),
        TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5),
    ];

    /// <summary>How much each retry wait varies, as a fraction of it, so that receivers coming back are not hit all at once.</summary>
    [Range(0.0, 0.5)]
    public double Jitter { get; set; } = 0.1;

    /// <summary>An endpoint whose every attempt has failed for this long is disabled (a 410 Gone answer disables it at once).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan DisableAfter { get; set; } = TimeSpan.FromDays(5);

    /// <summary>How long the delivery log keeps a delivery that ended (delivered or given up), with its attempts.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Retry waits of an environment.</summary>
    public TimeSpan[] RetriesFor(string environment) => environment == "production" ? ProductionRetries : SandboxRetries;
}
