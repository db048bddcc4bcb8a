using PacSpace.Ledger;
using System.Data.Common;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Json;
using PacSpace.Contracts.Keys;
using PacSpace.Hosting.Web;

namespace PacSpace.Plane.Features.Keys;

/// <summary>
/// The control plane's side door into this plane's key store: <c>PUT /internal/v1/keys/{publicId}</c> delivers a
/// key's latest state (idempotent, ordered by version), <c>GET /internal/v1/keys/usage</c> reads the usage feed.
/// </summary>
internal static class PlaneKeys
{
    private const int MaxUsagePage = 1000;

    public static void Map(RouteGroupBuilder internalApi)
    {
        internalApi.MapPut("/keys/{publicId}", PutAsync);
        internalApi.MapGet("/keys/usage", UsageAsync);
    }

    private static async Task<IResult> PutAsync(string publicId, HttpRequest request, Database db, KeyStore keys, IOptions<PlaneOptions> options, TimeProvider time, CancellationToken ct)
    {
        KeyStateMessage? state;
        try
        {
            state = await JsonSerializer.DeserializeAsync<KeyStateMessage>(request.Body, JsonDefaults.Options, ct);
        }
        catch (JsonException ex)
        {
            return Envelope.Fail(Error.Validation("body", ex.Message));
        }

        var invalid = Validate(publicId, state, options.Value);
        if (invalid is not null)
        {
            return Envelope.Fail(invalid);
        }

        await using var connection = await db.OpenAsync(ct);
        var applied = await ApplyAsync(connection, state!, time, ct);
        keys.Invalidate(publicId);
        return Envelope.Ok(new { publicId, version = state!.Version, applied });
    }

    /// <summary>Stores the state unless a newer version is already here. Returns whether it changed anything.</summary>
    public static async Task<bool> ApplyAsync(DbConnection connection, KeyStateMessage s, TimeProvider time, CancellationToken ct) =>
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO api_keys (public_id, key_id, tenant_id, environment, secret_hash, state, expires_at, plan, version, updated_at)
            VALUES (@PublicId, @KeyId, @TenantId, @Environment, @SecretHash, @State, @ExpiresAt, @Plan, @Version, @now)
            ON CONFLICT (public_id) DO UPDATE SET state = excluded.state, expires_at = excluded.expires_at, plan = excluded.plan,
                version = excluded.version, updated_at = excluded.updated_at
            WHERE api_keys.version < excluded.version
            """,
            new { s.PublicId, s.KeyId, s.TenantId, s.Environment, s.SecretHash, s.State, s.ExpiresAt, s.Plan, s.Version, now = time.GetUtcNow().ToUnixTimeMilliseconds() },
            cancellationToken: ct)) == 1;

    public static Error? Validate(string publicId, KeyStateMessage? s, PlaneOptions plane)
    {
        if (s is null)
        {
            return Error.Validation("body", "must be a key state object");
        }

        var errors = new List<ErrorDetail>();
        if (!ApiKeyFormat.IsPublicId(publicId) || s.PublicId != publicId)
        {
            errors.Add(new ErrorDetail("publicId", "must be 20 base62 characters and match the route"));
        }

        if (!Ids.IsValid(s.KeyId, "key"))
        {
            errors.Add(new ErrorDetail("keyId", "must be a key id (key_…)"));
        }

        if (!Ids.IsValid(s.TenantId, "tnt"))
        {
            errors.Add(new ErrorDetail("tenantId", "must be a tenant id (tnt_…)"));
        }

        if (s.SecretHash is null || s.SecretHash.Length != 64 || !s.SecretHash.All(char.IsAsciiHexDigitLower))
        {
            errors.Add(new ErrorDetail("secretHash", "must be 64 lowercase hex digits (SHA-256)"));
        }

        if (s.State is not (KeyStates.Active or KeyStates.Disabled or KeyStates.Revoked))
        {
            errors.Add(new ErrorDetail("state", "must be one of active, disabled, revoked"));
        }

        if (string.IsNullOrEmpty(s.Plan) || s.Version < 1)
        {
            errors.Add(new ErrorDetail(string.IsNullOrEmpty(s.Plan) ? "plan" : "version", "is required"));
        }

        if (errors.Count > 0)
        {
            return Error.Validation(errors);
        }

        // The other environment's keys are never stored here.
        return s.Environment == ApiKeyFormat.Name(plane.Environment)
            ? null
            : new Error(403, ErrorCodes.ApiKeyEnvironmentHostMismatch, $"This is the {plane.EnvironmentName} plane; it holds only {ApiKeyFormat.Name(plane.Environment)} keys.");
    }

    private static async Task<IResult> UsageAsync(long? after, string? afterId, int? limit, Database db, CancellationToken ct)
    {
        var take = Math.Clamp(limit ?? MaxUsagePage, 1, MaxUsagePage);
        await using var connection = await db.OpenAsync(ct);
        var items = (await connection.QueryAsync<KeyUsage>(new CommandDefinition(
            """
            SELECT public_id AS PublicId, last_used_at AS LastUsedAt, usage_flushed_at AS FlushedAt FROM api_keys
            WHERE usage_flushed_at IS NOT NULL AND last_used_at IS NOT NULL
              AND (usage_flushed_at > @after OR (usage_flushed_at = @after AND public_id > @afterId))
            ORDER BY usage_flushed_at, public_id LIMIT @take
            """, new { after = after ?? 0, afterId = afterId ?? "", take }, cancellationToken: ct))).ToList();
        return Envelope.Ok(new KeyUsagePage(items));
    }
}
