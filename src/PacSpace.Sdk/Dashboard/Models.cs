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
