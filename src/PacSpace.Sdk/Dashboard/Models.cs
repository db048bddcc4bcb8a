using System.Text.Json;

namespace PacSpace.Sdk.Dashboard;

/// <summary>A login's answer.</summary>
public sealed record LoginResult(string AccessToken, DateTimeOffset ExpiresAt, JsonElement User);

/// <summary>Values of <see cref="EnvironmentState.Status"/>.</summary>
public static class EnvironmentStatuses
{
    /// <summary>Never activated.</summary>
    public const string None = "none";

    /// <summary>Activation has started.</summary>
    public const string Activating = "activating";

    /// <summary>Ready to take calls.</summary>
    public const string Active = "active";

    /// <summary>Activation failed; <see cref="EnvironmentState.Error"/> says why, and activating again retries.</summary>
    public const string Failed = "failed";
}

/// <summary>One environment's state.</summary>
public sealed record EnvironmentState(string Status, DateTimeOffset? ProvisionedAt, string? Error);

/// <summary>Both environments' state.</summary>
public sealed record EnvironmentStatus(EnvironmentState Sandbox, EnvironmentState Production)
{
    /// <summary>The state of <c>sandbox</c> or <c>production</c>.</summary>
    /// <exception cref="ArgumentException">Neither <c>sandbox</c>/<c>production</c> nor V3.6 <c>testnet</c>/<c>mainnet</c>.</exception>
    public EnvironmentState Get(string environment) =>
        PacSpaceEnvironments.TryParseDashboard(environment, out var env)
            ? (env == PacSpaceEnvironment.Production ? Production : Sandbox)
            : throw new ArgumentException("Environment must be sandbox or production.", nameof(environment));
}

/// <summary>An environment with its API endpoint.</summary>
public sealed record EnvironmentInfo(string Id, string Environment, string Status, DateTimeOffset? ProvisionedAt, string? ApiBaseUrl);

/// <summary>The answer to an activation request.</summary>
public sealed record ActivationResult(string Environment, string Status);

/// <summary>A key as listed (never its secret).</summary>
public sealed record ApiKeyInfo(string Id, string Name, string Environment, string PublicKey, bool Active, string Status, DateTimeOffset CreatedAt,
    DateTimeOffset? LastUsedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, string? SyncStatus);

/// <summary>A new key, with its secret (shown once).</summary>
public sealed record CreatedApiKey(string Id, string Name, string Environment, string PublicKey, string SecretKey, string FullKey, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);

/// <summary>A plan of the price list.</summary>
public sealed record PlanInfo(string Tier, long? MonthlyAllotment, decimal? PlanPriceUsd, decimal? OveragePriceUsd, bool ProductionAllowed, string Mode);

/// <summary>
/// A webhook endpoint as listed (never its secret). <see cref="LastTriggered"/>, <see cref="SuccessCount"/> and
/// <see cref="FailureCount"/> report deliveries (null and 0 until the first); <see cref="PreviousSecretExpiresAt"/> is set
/// while a rotated-out secret still signs deliveries.
/// </summary>
/// <param name="Id">The endpoint id (<c>wh_…</c>).</param>
/// <param name="Url">Where deliveries are posted.</param>
/// <param name="Description">A note to recognise the endpoint by.</param>
/// <param name="Environment"><c>sandbox</c> or <c>production</c>: the endpoint receives that environment's events only.</param>
/// <param name="Events">The subscribed event types (<see cref="WebhookEventTypes"/>).</param>
/// <param name="Enabled">False while deliveries to it are paused.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="LastTriggered">When an event was last sent to it.</param>
/// <param name="SuccessCount">Deliveries it answered with 2xx.</param>
/// <param name="FailureCount">Deliveries that failed.</param>
/// <param name="PreviousSecretExpiresAt">Until when the previous secret also signs, after a rotation.</param>
/// <param name="SyncStatus"><c>synced</c> when the environment's plane has its latest state, <c>pending</c> while it is being delivered there.</param>
public sealed record WebhookEndpoint(string Id, string Url, string? Description, string Environment, IReadOnlyList<string> Events, bool Enabled,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? LastTriggered, long SuccessCount, long FailureCount,
    DateTimeOffset? PreviousSecretExpiresAt, string? SyncStatus)
{
    /// <summary>
    /// When PacSpace disabled the endpoint because its receiver answered 410 Gone or kept failing; null while it is enabled,
    /// and when a user disabled it. Enabling it again (<see cref="WebhookEndpointChanges.Enabled"/>) clears it.
    /// </summary>
    public DateTimeOffset? DisabledAt { get; init; }

    /// <summary>Why PacSpace disabled it; null when <see cref="DisabledAt"/> is.</summary>
    public string? DisabledReason { get; init; }
}

/// <summary>A new webhook endpoint with its signing secret (shown once): give it to <see cref="Webhooks.WebhookVerifier"/>.</summary>
/// <param name="Id">The endpoint id (<c>wh_…</c>).</param>
/// <param name="Url">Where deliveries are posted.</param>
/// <param name="Description">A note to recognise the endpoint by.</param>
/// <param name="Environment"><c>sandbox</c> or <c>production</c>.</param>
/// <param name="Events">The subscribed event types.</param>
/// <param name="Enabled">True.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="Secret">The signing secret, <c>whsec_…</c>; deliveries are signed with HMAC-SHA256 keyed with this whole string.</param>
/// <param name="SyncStatus"><c>synced</c> or <c>pending</c>.</param>
public sealed record CreatedWebhookEndpoint(string Id, string Url, string? Description, string Environment, IReadOnlyList<string> Events, bool Enabled,
    DateTimeOffset CreatedAt, string Secret, string? SyncStatus);

/// <summary>A rotated signing secret (shown once); until <paramref name="PreviousSecretExpiresAt"/> deliveries carry a signature by each.</summary>
/// <param name="Id">The endpoint id.</param>
/// <param name="Secret">The new signing secret, <c>whsec_…</c>.</param>
/// <param name="PreviousSecretExpiresAt">When the previous secret stops signing.</param>
/// <param name="SyncStatus"><c>synced</c> or <c>pending</c>.</param>
public sealed record RotatedWebhookSecret(string Id, string Secret, DateTimeOffset PreviousSecretExpiresAt, string? SyncStatus);

/// <summary>What <see cref="PacSpaceDashboardClient.UpdateWebhookAsync"/> changes; properties left null stay as they are.</summary>
public sealed class WebhookEndpointChanges
{
    /// <summary>A new address; checked as at creation.</summary>
    public string? Url { get; init; }

    /// <summary>A new description; an empty string clears it.</summary>
    public string? Description { get; init; }

    /// <summary>A new list of event types.</summary>
    public IReadOnlyList<string>? Events { get; init; }

    /// <summary>False pauses deliveries, true resumes them.</summary>
    public bool? Enabled { get; init; }
}

/// <summary>The event types a webhook endpoint can subscribe to.</summary>
public static class WebhookEventTypes
{
    /// <summary>A delta's proof exists: a signed head covers it.</summary>
    public const string DeltaVerified = "delta.verified";

    /// <summary>A delta reached the failed state.</summary>
    public const string DeltaFailed = "delta.failed";

    /// <summary>A period checkpoint was closed and signed.</summary>
    public const string CheckpointVerified = "checkpoint.verified";

    /// <summary>A record (Records API) was committed.</summary>
    public const string RecordCommitted = "record.committed";

    /// <summary>A record (Records API) failed.</summary>
    public const string RecordFailed = "record.failed";

    /// <summary>Every type above: what an endpoint created without a list receives.</summary>
    public static IReadOnlyList<string> All { get; } = [DeltaVerified, DeltaFailed, CheckpointVerified, RecordCommitted, RecordFailed];
}
