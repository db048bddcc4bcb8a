namespace PacSpace.Contracts.Webhooks;

/// <summary>The event types an endpoint can subscribe to, in catalog order, and the implicit <c>ping</c>.</summary>
public static class WebhookEvents
{
    public const string DeltaVerified = "delta.verified";
    public const string DeltaFailed = "delta.failed";
    public const string CheckpointVerified = "checkpoint.verified";
    public const string RecordCommitted = "record.committed";
    public const string RecordFailed = "record.failed";

    /// <summary>Sent by a test of one endpoint; every endpoint receives it whatever it subscribed to, so it is never stored.</summary>
    public const string Ping = "ping";

    /// <summary>Every subscribable event type; an endpoint created without a list subscribes to all of them.</summary>
    public static IReadOnlyList<string> Catalog { get; } = [DeltaVerified, DeltaFailed, CheckpointVerified, RecordCommitted, RecordFailed];

    public static string CatalogList { get; } = string.Join(", ", Catalog);

    public static bool IsInCatalog(string eventType) => Catalog.Contains(eventType, StringComparer.Ordinal);

    /// <summary>How a list of event types is stored (in both databases): comma separated, in catalog order.</summary>
    public static string Store(IEnumerable<string> events) => string.Join(",", Catalog.Where(events.Contains));

    public static IReadOnlyList<string> Parse(string stored) => stored.Length == 0 ? [] : stored.Split(',');
}
