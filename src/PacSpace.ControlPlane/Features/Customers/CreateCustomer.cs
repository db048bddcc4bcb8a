using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PacSpace.Contracts.Customers;
using PacSpace.ControlPlane.Features.ApiKeys;
using PacSpace.ControlPlane.Features.Audit;
using PacSpace.ControlPlane.Features.Auth;
using PacSpace.ControlPlane.Planes;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Ledger;

namespace PacSpace.ControlPlane.Features.Customers;

/// <summary>
/// Creates a customer of the actor's tenant in one environment, on that environment's plane (through its internal API: the
/// customer lives in the plane's database, never here). The environment is the one of the <c>X-Api-Key</c> sent with the
/// request (which must be one of the tenant's usable keys), else the one asked for (<c>X-Environment</c> or
/// <c>?environment=</c>), else the user's preferred environment. The body's rules are the plane's, one set for both hosts.
/// A customer created here is audited (<c>customer.created</c>); a repeated create that finds it unchanged is not.
/// </summary>
internal sealed class CreateCustomer(Database db, ApiKeyStore keys, AuditStore audit, PlaneClient planes, IOptions<PlanesOptions> planesOptions, TimeProvider time)
{
    /// <param name="ApiKey">The <c>X-Api-Key</c> sent with the request, or none.</param>
    /// <param name="Environment">The environment asked for by name, or none.</param>
    /// <param name="Body">The client's JSON object, passed to the plane as it was sent.</param>
    /// <param name="IdempotencyKey">The request's well-formed <c>Idempotency-Key</c>, or none.</param>
    public sealed record Input(string? ApiKey, PacSpaceEnvironment? Environment, string Body, string? IdempotencyKey);

    /// <summary>The customer, and whether this request created it (201) or found it as asked (200).</summary>
    public sealed record Output(CustomerProfileInfo Customer, bool Created);

    public async Task<Result<Output>> HandleAsync(Actor actor, Input input, CancellationToken ct)
    {
        PacSpaceEnvironment env;
        await using (var connection = await db.OpenAsync(ct))
        {
            var chosen = await EnvironmentAsync(connection, actor, input, ct);
            if (!chosen.IsSuccess)
            {
                return chosen.Error!;
            }

            env = chosen.Value;
            if (await KeyRules.CheckEnvironmentAsync(connection, actor.TenantId, env, ct) is { } refused)
            {
                return refused;
            }
        }

        Result<(CustomerProfileInfo Customer, bool Created)> made;
        try
        {
            made = await planes.CreateCustomerAsync(env, actor.TenantId, actor.UserId, input.Body, input.IdempotencyKey, planesOptions.Value.RequestTimeout, ct);
        }
        catch (Exception ex) when (PlaneClient.IsUnavailable(ex, ct) || ex is InvalidDataException or JsonException)
        {
            return new Error(503, ErrorCodes.ServiceUnavailable,
                $"The {env.Name()} environment did not answer; the customer may not have been created. Try again shortly (repeating the same request is safe).")
            {
                RetryAfterSeconds = 5,
            };
        }

        if (!made.IsSuccess)
        {
            return made.Error!;
        }

        var (customer, created) = made.Value;
        if (created)
        {
            await using var connection = await db.OpenAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            await audit.WriteAsync(connection, tx, actor, "customer.created", customer.CustomerId, new
            {
                environment = customer.Environment,
                customer.DisplayName,
                customer.UnitLabel,
                customer.EventCadence,
                customer.SharingStateHint,
            }, ct);
            await tx.CommitAsync(ct);
        }

        return new Output(customer, created);
    }

    private async Task<Result<PacSpaceEnvironment>> EnvironmentAsync(DbConnection connection, Actor actor, Input input, CancellationToken ct)
    {
        if (input.ApiKey is null)
        {
            if (input.Environment is { } asked)
            {
                return asked;
            }

            var me = await UserStore.LoadMeAsync(connection, actor.UserId!, ct);
            return me is null ? Error.Unauthenticated() : PacSpaceEnvironments.FromStored(me.PreferredEnvironment);
        }

        var key = await CheckKeyAsync(connection, actor, input.ApiKey, ct);
        if (key.IsSuccess && input.Environment is { } named && named != key.Value)
        {
            return Error.Validation("environment",
                $"names {named.Name()}, but the X-Api-Key sent with it is a {key.Value.Name()} key; leave it out or send a key of {named.Name()}");
        }

        return key;
    }

    /// <summary>
    /// The environment of a presented key that is one of the tenant's usable keys. The same answers as a plane gives for a bad
    /// key (its state told only to a holder of the secret); a good key of another tenant is refused as the plane refuses a token
    /// of another tenant.
    /// </summary>
    private async Task<Result<PacSpaceEnvironment>> CheckKeyAsync(DbConnection connection, Actor actor, string text, CancellationToken ct)
    {
        if (!ApiKeyFormat.TryParse(text, out var env, out var publicId, out var secret))
        {
            return new Error(401, ErrorCodes.InvalidApiKey,
                "The API key is malformed or mistyped. Copy the full key (pk_….sk_…) exactly as it was shown when it was created.");
        }

        var key = await keys.FindByPublicIdAsync(connection, text[publicId], ct);
        var presented = Encoding.ASCII.GetBytes(ApiKeyFormat.HashSecretHex(text[secret]));
        if (key is null || !CryptographicOperations.FixedTimeEquals(presented, Encoding.ASCII.GetBytes(key.SecretHash)))
        {
            return new Error(401, ErrorCodes.InvalidApiKey, "The API key is not valid.");
        }

        if (key.TenantId != actor.TenantId)
        {
            return Error.Unauthenticated("The dashboard token does not belong to the account of this API key. Send a key of the signed-in user's account.");
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return key switch
        {
            { RevokedAt: not null } => new Error(401, ErrorCodes.ApiKeyRevoked, "This API key was revoked. Create a new key in the dashboard."),
            { Enabled: 0 } => new Error(401, ErrorCodes.ApiKeyDisabled, "This API key is disabled. Enable it again under API keys in the dashboard, or use another key."),
            { ExpiresAt: long e } when e <= now => new Error(401, ErrorCodes.ApiKeyExpired,
                "This API key has expired (a rotated key stops when its overlap ends). Use its replacement or create a new key."),
            _ => env,
        };
    }
}
