using PacSpace.Ledger;
using System.Globalization;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PacSpace.ControlPlane.Features.Audit;
using PacSpace.ControlPlane.Features.Auth;
using PacSpace.ControlPlane.Features.Billing;
using PacSpace.ControlPlane.Features.Environments;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Contracts.Keys;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.ApiKeys;

/// <summary>
/// <c>/dashboard/api-keys</c>: create, list, get, rename / disable / enable, rotate, revoke. The secret exists in
/// memory only while the create (or rotate) answer is written; the database keeps SHA-256 of it.
/// </summary>
internal static class ApiKeyEndpoints
{
    private const string AcceptedEnvironments = "test, live (sandbox and production are accepted too)";
    private const int MaxName = 100;
    private const string RotatedSuffix = " (rotated)";

    private static readonly IReadOnlyDictionary<string, PacSpaceEnvironment> Environments = new Dictionary<string, PacSpaceEnvironment>(StringComparer.Ordinal)
    {
        ["test"] = PacSpaceEnvironment.Sandbox,
        ["live"] = PacSpaceEnvironment.Production,
        ["sandbox"] = PacSpaceEnvironment.Sandbox,
        ["production"] = PacSpaceEnvironment.Production,
    };

    public sealed record KeyView(
        string Id,
        string Name,
        string Environment,
        string PublicKey,
        bool Active,
        string Status,
        DateTimeOffset CreatedAt,
        DateTimeOffset? LastUsedAt,
        DateTimeOffset? ExpiresAt,
        DateTimeOffset? RevokedAt,
        string SyncStatus);

    public sealed record CreatedKeyView(
        string Id,
        string Name,
        string Environment,
        string PublicKey,
        string SecretKey,
        string FullKey,
        DateTimeOffset CreatedAt,
        DateTimeOffset? ExpiresAt,
        bool Active,
        string SyncStatus,
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? RotatedFromId = null,
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? PreviousKeyExpiresAt = null);

    public sealed record CreateRequest(string Name, string? Environment, DateTimeOffset? ExpiresAt);

    public sealed record UpdateRequest(string? Name, bool? Active);

    public sealed record RotateRequest(double? OverlapHours);

    public static void Map(RouteGroupBuilder dashboard)
    {
        var keys = dashboard.MapGroup("/api-keys").WithTags("API keys");
        keys.MapPost("/", CreateAsync).AcceptsJson<CreateRequest>().Produces<CreatedKeyView>(201);
        keys.MapGet("/", ListAsync).Produces<PagedList<KeyView>>();
        keys.MapGet("/{id}", GetAsync).Produces<KeyView>();
        keys.MapPatch("/{id}", UpdateAsync).AcceptsJson<UpdateRequest>().Produces<KeyView>();
        keys.MapPost("/{id}/rotate", RotateAsync).AcceptsJson<RotateRequest>().Produces<CreatedKeyView>(201);
        keys.MapDelete("/{id}", RevokeAsync).Produces<KeyView>();
    }

    private static async Task<IResult> CreateAsync(HttpContext http, Database db, KeySync sync, TimeProvider time, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync(http.Request, ct);
        if (!body.IsSuccess)
        {
            return Envelope.Fail(body.Error!);
        }

        var input = ParseCreate(body.Value, time.GetUtcNow());
        if (!input.IsSuccess)
        {
            return Envelope.Fail(input.Error!);
        }

        var created = await CreateKeyAsync(http, input.Value, db, sync, time, ct);
        return Envelope.From(created, v => Envelope.Ok(v, 201, "Copy the secret now: it is shown only this once."));
    }

    public sealed record CreateInput(string Name, PacSpaceEnvironment Environment, DateTimeOffset? ExpiresAt);

    /// <summary>The rules for a new key's fields, shared by the API (JSON) and the API keys page (form).</summary>
    public static Result<CreateInput> ParseCreate(FieldReader fields, DateTimeOffset now)
    {
        var name = fields.String("name", required: true, 1, MaxName);
        var env = fields.Enum("environment", required: false, Environments, AcceptedEnvironments) ?? PacSpaceEnvironment.Sandbox;
        var expiresAt = fields.Timestamp("expiresAt", required: false);
        if (expiresAt is not null && expiresAt <= now)
        {
            fields.Add("expiresAt", "must be in the future");
        }

        return fields.HasErrors ? fields.ToError() : new CreateInput(name!, env, expiresAt);
    }

    /// <summary>Creates a key for the signed-in user's tenant; the answer is the only place the secret ever appears.</summary>
    public static async Task<Result<CreatedKeyView>> CreateKeyAsync(HttpContext http, CreateInput input, Database db, KeySync sync, TimeProvider time, CancellationToken ct)
    {
        var (name, env, expiresAt) = input;
        var now = time.GetUtcNow();
        var tenantId = http.User.TenantIdOf();
        await using var connection = await db.OpenAsync(ct);
        var allowed = await CheckEnvironmentAsync(connection, tenantId, env, ct);
        if (allowed is not null)
        {
            return allowed;
        }

        await using var tx = await connection.BeginTransactionAsync(ct);
        var (id, key) = await InsertAsync(connection, tx, tenantId, http.User.UserIdOf(), name, env, expiresAt, now, time, ct);
        await new AuditStore(time).WriteAsync(connection, tx, Actor.Api(http), "api_key.created", id,
            new { name, environment = ApiKeyFormat.Name(env), publicKey = key.PublicKey, expiresAt }, ct);
        await tx.CommitAsync(ct);

        var status = await sync.DeliverNowAsync([id], ct);
        return new CreatedKeyView(id, name, ApiKeyFormat.Name(env), key.PublicKey, key.SecretKey, key.FullKey,
            Ms(now), expiresAt is null ? null : Ms(expiresAt.Value), true, status);
    }

    private static async Task<IResult> ListAsync(HttpContext http, Database db, TimeProvider time, CancellationToken ct)
    {
        var errors = new List<ErrorDetail>();
        PacSpaceEnvironment? env = null;
        var filter = http.Request.Query["environment"].ToString();
        if (filter.Length > 0)
        {
            if (Environments.TryGetValue(filter, out var parsed))
            {
                env = parsed;
            }
            else
            {
                errors.Add(new ErrorDetail("environment", $"must be one of {AcceptedEnvironments}"));
            }
        }

        var paging = Paging.Read(http.Request.Query, errors);
        if (!paging.IsSuccess)
        {
            return Envelope.Fail(paging.Error!);
        }

        var (page, limit) = paging.Value;
        return Envelope.Ok(await ListKeysAsync(http.User.TenantIdOf(), env, page, limit, db, time, ct));
    }

    /// <summary>One page of the tenant's keys, newest first, optionally of one environment.</summary>
    public static async Task<PagedList<KeyView>> ListKeysAsync(string tenantId, PacSpaceEnvironment? env, int page, int limit, Database db, TimeProvider time, CancellationToken ct)
    {
        var envName = env is null ? null : ApiKeyFormat.Name(env.Value);
        await using var connection = await db.OpenAsync(ct);
        var where = envName is null ? "WHERE tenant_id = @tenantId" : "WHERE tenant_id = @tenantId AND environment = @envName";
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT COUNT(*) FROM api_keys {where}", new { tenantId, envName }, cancellationToken: ct));
        var rows = await connection.QueryAsync<ApiKeyRow>(new CommandDefinition(
            $"SELECT {ApiKeyRows.Columns} FROM api_keys {where} ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset",
            new { tenantId, envName, limit, offset = (page - 1) * limit }, cancellationToken: ct));
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return new PagedList<KeyView>(rows.Select(r => View(r, now)).ToList(), total, page, limit);
    }

    private static async Task<IResult> GetAsync(string id, HttpContext http, Database db, TimeProvider time, CancellationToken ct) =>
        Envelope.From(await GetKeyAsync(http, id, db, time, ct), v => Envelope.Ok(v));

    public static async Task<Result<KeyView>> GetKeyAsync(HttpContext http, string id, Database db, TimeProvider time, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await FindAsync(connection, http, id, ct);
        return row is null ? Error.NotFound("API key") : View(row, time.GetUtcNow().ToUnixTimeMilliseconds());
    }

    private static async Task<IResult> UpdateAsync(string id, HttpContext http, Database db, KeySync sync, TimeProvider time, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync(http.Request, ct);
        if (!body.IsSuccess)
        {
            return Envelope.Fail(body.Error!);
        }

        var input = ParseUpdate(body.Value);
        return Envelope.From(input.IsSuccess ? await UpdateKeyAsync(http, id, input.Value, db, sync, time, ct) : input.Error!, v => Envelope.Ok(v));
    }

    public sealed record UpdateInput(string? Name, bool? Active);

    public static Result<UpdateInput> ParseUpdate(FieldReader fields)
    {
        var name = fields.String("name", required: false, 1, MaxName);
        var active = fields.Bool("active", required: false);
        if (!fields.HasErrors && name is null && active is null)
        {
            fields.Add("body", "send name, active or both");
        }

        return fields.HasErrors ? fields.ToError() : new UpdateInput(name, active);
    }

    /// <summary>Rename and/or disable / enable; a state change is delivered to the key's plane before answering.</summary>
    public static async Task<Result<KeyView>> UpdateKeyAsync(HttpContext http, string id, UpdateInput input, Database db, KeySync sync, TimeProvider time, CancellationToken ct)
    {
        var (name, active) = input;
        await using var connection = await db.OpenAsync(ct);
        var row = await FindAsync(connection, http, id, ct);
        if (row is null)
        {
            return Error.NotFound("API key");
        }

        if (row.IsRevoked)
        {
            return Revoked();
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var toggled = active is bool a && a != (row.enabled == 1);
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                $"""
                UPDATE api_keys SET name = @name, enabled = @enabled
                    {(toggled ? ", " + ApiKeyRows.QueueDelivery : "")}
                WHERE id = @id
                """, new { name = name ?? row.name, enabled = (active ?? row.enabled == 1) ? 1L : 0L, now, id = row.id }, tx, cancellationToken: ct));
            if (name is not null && name != row.name)
            {
                await new AuditStore(time).WriteAsync(connection, tx, Actor.Api(http), "api_key.renamed", row.id, new { from = row.name, to = name }, ct);
            }

            if (toggled)
            {
                await new AuditStore(time).WriteAsync(connection, tx, Actor.Api(http), active!.Value ? "api_key.enabled" : "api_key.disabled", row.id, new { name = name ?? row.name }, ct);
            }

            await tx.CommitAsync(ct);
        }

        if (toggled)
        {
            await sync.DeliverNowAsync([row.id], ct);
        }

        var updated = await ApiKeyRows.GetAsync(connection, row.tenant_id, row.id, ct);
        return View(updated!, now);
    }

    private static async Task<IResult> RotateAsync(string id, HttpContext http, Database db, KeySync sync, TimeProvider time, CancellationToken ct)
    {
        var body = await JsonBody.ReadOptionalAsync(http.Request, ct);
        if (!body.IsSuccess)
        {
            return Envelope.Fail(body.Error!);
        }

        var overlap = ParseRotate(body.Value);
        var rotated = overlap.IsSuccess ? await RotateKeyAsync(http, id, overlap.Value, db, sync, time, ct) : overlap.Error!;
        return Envelope.From(rotated, v => Envelope.Ok(v, 201, string.Create(CultureInfo.InvariantCulture,
            $"Copy the new secret now: it is shown only this once. The previous key works until {v.PreviousKeyExpiresAt:yyyy-MM-dd'T'HH:mm:ss'Z'}.")));
    }

    /// <summary>Hours the old key keeps working after a rotation: 0 to 168 (a week), 24 when absent.</summary>
    public static Result<double> ParseRotate(FieldReader fields)
    {
        var overlapHours = fields.Number("overlapHours", required: false, 0, 168) ?? 24;
        return fields.HasErrors ? fields.ToError() : overlapHours;
    }

    /// <summary>A new key with the same environment; the old one keeps working for the overlap, never past its own expiry.</summary>
    public static async Task<Result<CreatedKeyView>> RotateKeyAsync(HttpContext http, string id, double overlapHours, Database db, KeySync sync, TimeProvider time, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var old = await FindAsync(connection, http, id, ct);
        if (old is null)
        {
            return Error.NotFound("API key");
        }

        if (old.IsRevoked)
        {
            return Revoked();
        }

        var env = old.environment == "live" ? PacSpaceEnvironment.Production : PacSpaceEnvironment.Sandbox;
        var allowed = await CheckEnvironmentAsync(connection, old.tenant_id, env, ct);
        if (allowed is not null)
        {
            return allowed;
        }

        var now = time.GetUtcNow();
        var overlapEnds = now.AddMilliseconds(Math.Round(overlapHours * 3_600_000));
        var oldExpires = old.expires_at is long e && e < overlapEnds.ToUnixTimeMilliseconds() ? DateTimeOffset.FromUnixTimeMilliseconds(e) : overlapEnds;
        var name = old.name.EndsWith(RotatedSuffix, StringComparison.Ordinal) || old.name.Length + RotatedSuffix.Length > MaxName
            ? old.name
            : old.name + RotatedSuffix;

        await using var tx = await connection.BeginTransactionAsync(ct);
        var (newId, key) = await InsertAsync(connection, tx, old.tenant_id, http.User.UserIdOf(), name, env, null, now, time, ct);
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE api_keys SET expires_at = @expires, rotated_to = @newId, {ApiKeyRows.QueueDelivery}
            WHERE id = @id
            """, new { expires = oldExpires.ToUnixTimeMilliseconds(), newId, now = now.ToUnixTimeMilliseconds(), id = old.id }, tx, cancellationToken: ct));
        await new AuditStore(time).WriteAsync(connection, tx, Actor.Api(http), "api_key.rotated", old.id,
            new { newKeyId = newId, newPublicKey = key.PublicKey, overlapHours, previousKeyExpiresAt = Ms(oldExpires) }, ct);
        await tx.CommitAsync(ct);

        var status = await sync.DeliverNowAsync([newId, old.id], ct);
        return new CreatedKeyView(newId, name, ApiKeyFormat.Name(env), key.PublicKey, key.SecretKey, key.FullKey,
            Ms(now), null, true, status, old.id, Ms(oldExpires));
    }

    private static async Task<IResult> RevokeAsync(string id, HttpContext http, Database db, KeySync sync, TimeProvider time, CancellationToken ct) =>
        Envelope.From(await RevokeKeyAsync(http, id, db, sync, time, ct), v => Envelope.Ok(v, 200, "The key is revoked for good."));

    /// <summary>Revokes for good; repeating it is harmless and pushes a revocation that is still pending.</summary>
    public static async Task<Result<KeyView>> RevokeKeyAsync(HttpContext http, string id, Database db, KeySync sync, TimeProvider time, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await FindAsync(connection, http, id, ct);
        if (row is null)
        {
            return Error.NotFound("API key");
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (!row.IsRevoked)
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            var changed = await connection.ExecuteAsync(new CommandDefinition(
                $"""
                UPDATE api_keys SET revoked_at = @now, {ApiKeyRows.QueueDelivery}
                WHERE id = @id AND revoked_at IS NULL
                """, new { now, id = row.id }, tx, cancellationToken: ct));
            if (changed == 1)
            {
                await new AuditStore(time).WriteAsync(connection, tx, Actor.Api(http), "api_key.revoked", row.id, new { name = row.name }, ct);
            }

            await tx.CommitAsync(ct);
        }

        await sync.DeliverNowAsync([row.id], ct);
        var revoked = await ApiKeyRows.GetAsync(connection, row.tenant_id, row.id, ct);
        return View(revoked!, now);
    }

    /// <summary>A test key needs Sandbox active; a live key a paid plan and Production active.</summary>
    private static async Task<Error?> CheckEnvironmentAsync(System.Data.Common.DbConnection connection, string tenantId, PacSpaceEnvironment env, CancellationToken ct)
    {
        var envName = env == PacSpaceEnvironment.Production ? PacSpaceEnvironment.Production : PacSpaceEnvironment.Sandbox;
        if (envName == PacSpaceEnvironment.Production && !await Plans.TenantAllowsProductionAsync(connection, tenantId, ct))
        {
            return new Error(403, ErrorCodes.PlanUpgradeRequired,
                $"Live keys need Production, which needs a paid plan ({Plans.PaidTierList}). Upgrade under Settings → Plan, then activate Production.");
        }

        var row = await EnvironmentRows.GetAsync(connection, tenantId, envName, ct);
        if (row?.Status == Vocabulary.Active)
        {
            return null;
        }

        var label = envName.Name();
        return new Error(409, ErrorCodes.EnvironmentNotActive,
            $"{(env == PacSpaceEnvironment.Production ? "Live" : "Test")} keys need the {label} environment to be active; it is {row?.Status ?? Vocabulary.None}. "
            + $"Activate it with POST /dashboard/environments/provision {{\"environment\":\"{label}\"}} and try again once it is active.");
    }

    private static async Task<(string Id, GeneratedApiKey Key)> InsertAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction tx,
        string tenantId, string userId, string name, PacSpaceEnvironment env, DateTimeOffset? expiresAt, DateTimeOffset createdAt, TimeProvider time, CancellationToken ct)
    {
        var id = Ids.New("key", time);
        var key = ApiKeyFormat.Generate(env);
        var now = createdAt.ToUnixTimeMilliseconds();
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO api_keys (id, tenant_id, environment, name, public_id, secret_hash, enabled, created_at, created_by, expires_at,
                                  version, synced_version, sync_next_attempt_at)
            VALUES (@id, @tenantId, @env, @name, @publicId, @hash, 1, @now, @userId, @expiresAt, 1, 0, @now)
            """,
            new
            {
                id,
                tenantId,
                env = ApiKeyFormat.Name(env),
                name,
                publicId = key.PublicId,
                hash = ApiKeyFormat.HashSecretHex(key.SecretKey),
                now,
                userId,
                expiresAt = expiresAt?.ToUnixTimeMilliseconds(),
            }, tx, cancellationToken: ct));
        return (id, key);
    }

    private static Task<ApiKeyRow?> FindAsync(System.Data.Common.DbConnection connection, HttpContext http, string id, CancellationToken ct) =>
        Ids.IsValid(id, "key") ? ApiKeyRows.GetAsync(connection, http.User.TenantIdOf(), id, ct) : Task.FromResult<ApiKeyRow?>(null);

    private static Error Revoked() => new(409, ErrorCodes.ApiKeyRevoked,
        "This key is revoked, and a revoked key cannot be changed or rotated. Create a new key instead.");

    private static KeyView View(ApiKeyRow r, long now)
    {
        var status = r.Status(now);
        return new KeyView(r.id, r.name, r.environment, $"pk_{r.environment}_{r.public_id}", status == KeyStates.Active, status,
            DateTimeOffset.FromUnixTimeMilliseconds(r.created_at), At(r.last_used_at), At(r.expires_at), At(r.revoked_at), r.SyncStatus);
    }

    private static DateTimeOffset? At(long? ms) => ms is long v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null;

    // Stored times have millisecond precision; answers show exactly what is stored.
    private static DateTimeOffset Ms(DateTimeOffset t) => DateTimeOffset.FromUnixTimeMilliseconds(t.ToUnixTimeMilliseconds());
}
