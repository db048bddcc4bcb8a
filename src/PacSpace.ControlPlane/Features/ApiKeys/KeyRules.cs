using System.Data.Common;
using PacSpace.ControlPlane.Features.Environments;
using PacSpace.Hosting.Errors;

namespace PacSpace.ControlPlane.Features.ApiKeys;

/// <summary>Rules more than one key use case applies: names, accepted environment spellings, which keys may exist.</summary>
internal static class KeyRules
{
    public const int MaxName = 100;

    /// <summary>What the API accepts where a key's environment is named: the key-prefix names and the current ones.</summary>
    public static IReadOnlyDictionary<string, PacSpaceEnvironment> Environments { get; } =
        PacSpaceEnvironments.KeyNames.Concat(PacSpaceEnvironments.CurrentNames).ToDictionary(StringComparer.Ordinal);

    public const string AcceptedEnvironments =
        $"{PacSpaceEnvironments.TestKeyName}, {PacSpaceEnvironments.LiveKeyName} ({PacSpaceEnvironments.SandboxName} and {PacSpaceEnvironments.ProductionName} are accepted too)";

    /// <summary>A test key needs Sandbox active; a live key a paid plan and Production active.</summary>
    public static Task<Error?> CheckEnvironmentAsync(DbConnection connection, string tenantId, PacSpaceEnvironment env, CancellationToken ct) =>
        EnvironmentGate.CheckAsync(connection, tenantId, env, env == PacSpaceEnvironment.Production ? "Live keys" : "Test keys", ct);

    /// <summary>The tenant's key, else NOT_FOUND; a revoked key is API_KEY_REVOKED where it is to be <paramref name="changed"/>.</summary>
    public static async Task<Result<ApiKeyRow>> FindAsync(ApiKeyStore keys, DbConnection connection, string tenantId, string id, bool changed, CancellationToken ct) =>
        await keys.FindAsync(connection, tenantId, id, ct) switch
        {
            null => Error.NotFound("API key"),
            { IsRevoked: true } when changed => new Error(409, ErrorCodes.ApiKeyRevoked,
                "This key is revoked, and a revoked key cannot be changed or rotated. Create a new key instead."),
            var row => row,
        };

    // Stored times have millisecond precision; answers show exactly what is stored.
    public static DateTimeOffset Ms(DateTimeOffset t) => DateTimeOffset.FromUnixTimeMilliseconds(t.ToUnixTimeMilliseconds());
}
