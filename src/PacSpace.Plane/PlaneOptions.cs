using PacSpace.Ledger;
using System.ComponentModel.DataAnnotations;
using PacSpace.Contracts.Keys;

namespace PacSpace.Plane;

/// <summary>Section <c>Plane</c>.</summary>
public sealed class PlaneOptions
{
    /// <summary>Which environment this plane serves; decides which keys it accepts and its log origins.</summary>
    public PacSpaceEnvironment Environment { get; set; } = PacSpaceEnvironment.Sandbox;

    /// <summary>Secret the control plane sends to <c>/internal/*</c>. Same value as the dashboard's <c>Planes:ServiceSecret</c>.</summary>
    [Required, MinLength(32)]
    public string ServiceSecret { get; set; } = "";

    /// <summary>
    /// Host part of every log origin (<c>&lt;OriginHost&gt;/&lt;tenantId&gt;/&lt;env&gt;</c>). It names the log for good,
    /// so it must stay the same across restarts and replicas; empty means <c>{env}.pacspace.local</c>.
    /// </summary>
    [RegularExpression(@"^[A-Za-z0-9.\-:]*$")]
    public string OriginHost { get; set; } = "";

    /// <summary>
    /// The control plane's internal URL. When set, the plane reads key changes it missed while it was down
    /// before it accepts API requests. Empty: the plane relies on the control plane's deliveries alone.
    /// </summary>
    public string ControlPlaneUrl { get; set; } = "";

    /// <summary>
    /// A second address the plane listens on, for the control plane's one origin only: HTTP/2 without TLS (prior knowledge),
    /// so one connection carries many forwarded requests at once. It serves the same routes as the plane's own address, which
    /// keeps speaking HTTP/1.1 and HTTP/2 as before. Empty: no second listener. Set the control plane's
    /// <c>Planes:&lt;env&gt;:OneOriginUrl</c> to the address it can reach this one at.
    /// </summary>
    public string OneOriginUrl { get; set; } = "";

    /// <summary>
    /// How long an answer of the control plane about a dashboard token (<c>POST /dashboard/customers</c> on this plane) is
    /// kept: a session that ends (logout, revoked) is refused here within this time. Zero asks every time.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan DashboardAuthCacheTtl { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a dashboard token check waits for the control plane before answering 503.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan DashboardAuthTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The dashboard's session cookie (<c>Auth:CookieName</c> there), accepted by this plane's dashboard routes instead of a JWT.</summary>
    [Required, RegularExpression(@"^[A-Za-z0-9_\-.]{1,64}$")]
    public string SessionCookieName { get; set; } = "pacspace_session";

    /// <summary>
    /// Most entries one answer of <c>GET /api/v1/records/{recordType}/{entityId}/history</c> holds (each committed one with its
    /// inclusion proof); the rest are paged with <c>X-Next-From-Seq</c>. A <c>limit</c> query parameter may ask for fewer.
    /// </summary>
    [Range(1, 1000)]
    public int RecordHistoryPage { get; set; } = 100;

    /// <summary>How long start-up waits for the control plane before serving from the local key store.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan StartupSyncTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a key read from the database is trusted without asking again. A stale entry is served for at
    /// most one more period while it is refreshed, so a change written by another replica takes effect
    /// within twice this (the replica that receives a change applies it at once).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:00.500")]
    public TimeSpan KeyCacheTtl { get; set; } = TimeSpan.FromMilliseconds(400);

    /// <summary>How often <c>lastUsedAt</c> is written, in one batch for all keys used meanwhile.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:00:30")]
    public TimeSpan UsageFlushInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often the sequencer looks for queued deltas; each round that appends signs a head. Short rounds also
    /// keep SQLite's single writer place free for the group commit most of the time.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:01")]
    public TimeSpan SequencerInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Most deltas appended to one log in one transaction.</summary>
    [Range(1, 100_000)]
    public int SequencerBatch { get; set; } = 5000;

    /// <summary>How long a replica owns a log's sequencing after its last round; another replica takes over after that.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan SequencerLease { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Per-key token buckets by plan tier; <c>default</c> covers tiers not listed.</summary>
    public Dictionary<string, RateLimit> RateLimits { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["default"] = new() { PermitsPerSecond = 100, Burst = 200 },
        ["free"] = new() { PermitsPerSecond = 50, Burst = 100 },
        ["pilot"] = new() { PermitsPerSecond = 100, Burst = 200 },
        ["starter"] = new() { PermitsPerSecond = 200, Burst = 400 },
        ["growth"] = new() { PermitsPerSecond = 500, Burst = 1000 },
        ["scale"] = new() { PermitsPerSecond = 1000, Burst = 2000 },
        ["enterprise"] = new() { PermitsPerSecond = 2000, Burst = 4000 },
    };

    public string EnvironmentName => Environment.Name();

    public string ResolvedOriginHost => string.IsNullOrEmpty(OriginHost) ? $"{EnvironmentName}.pacspace.local" : OriginHost;

    public RateLimit RateLimitFor(string plan) =>
        RateLimits.TryGetValue(plan, out var limit) ? limit : RateLimits.GetValueOrDefault("default") ?? new RateLimit();
}

public sealed class RateLimit
{
    [Range(1, 1_000_000)]
    public int PermitsPerSecond { get; set; } = 100;

    [Range(1, 10_000_000)]
    public int Burst { get; set; } = 200;
}
