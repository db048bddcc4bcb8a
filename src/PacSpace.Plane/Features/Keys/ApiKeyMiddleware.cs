using PacSpace.Ledger;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using PacSpace.Hosting.Errors;
using PacSpace.Contracts.Keys;
using PacSpace.Hosting.Web;
using PacSpace.Plane.Sync;

namespace PacSpace.Plane.Features.Keys;

/// <summary>
/// Authenticates <c>X-Api-Key</c> for every endpoint marked <see cref="ApiKeyRequired"/> (the <c>/api/v1</c> group;
/// public verify routes are not): shape and checksum first (no storage touched), then the environment of the
/// prefix, then the plane's own key store (cached), a constant-time comparison of SHA-256 of the secret, the
/// key's state, and the per-key token bucket. Works with the control plane down. Written as one middleware
/// rather than an authentication handler plus authorization policy plus rate-limiting policy: the hot path
/// then allocates nothing of its own (see docs/benchmarks.md).
/// </summary>
internal sealed class ApiKeyMiddleware(
    RequestDelegate next,
    KeyStore keys,
    ControlPlaneCatchUp catchUp,
    UsageRecorder usage,
    KeyRateLimiter limiter,
    IOptions<PlaneOptions> plane,
    TimeProvider time)
{
    public const string HeaderName = ApiKeyErrors.HeaderName;

    private static readonly Error Missing = ApiKeyErrors.Missing;

    private static readonly Error Malformed = ApiKeyErrors.Malformed;

    private static readonly Error Unknown = new(401, ErrorCodes.InvalidApiKey, "The API key is not valid.");

    private static readonly Error Disabled = new(401, ErrorCodes.ApiKeyDisabled,
        "This API key is disabled. Enable it again under API keys in the dashboard, or use another key.");

    private static readonly Error Expired = new(401, ErrorCodes.ApiKeyExpired,
        "This API key has expired (a rotated key stops when its overlap ends). Use its replacement or create a new key.");

    private static readonly Error Revoked = new(401, ErrorCodes.ApiKeyRevoked, "This API key was revoked. Create a new key in the dashboard.");

    private static readonly Error NotDeployed = new(412, ErrorCodes.ContractNotDeployed,
        "This environment is not active for your account on this plane yet. Check GET /dashboard/environments/environment-status and try again once it is active.");

    private static readonly Error NoPaidPlan = new(402, ErrorCodes.PlanRequired,
        "Live keys need a paid plan, and this account is on the free plan now. Upgrade under Settings → Plan; test keys keep working on Sandbox.");

    private readonly Error _mismatch = plane.Value.Environment == PacSpaceEnvironment.Production
        ? new Error(403, ErrorCodes.ApiKeyEnvironmentHostMismatch, "This is a test key; send it to the sandbox endpoint. This is the production endpoint, which takes pk_live_ keys.")
        : new Error(403, ErrorCodes.ApiKeyEnvironmentHostMismatch, "This is a live key; send it to the production endpoint. This is the sandbox endpoint, which takes pk_test_ keys.");

    private readonly PacSpaceEnvironment _environment = plane.Value.Environment;

    // The official clients send the chain id of the key's environment (296 test, 295 live); another one means a misconfigured client.
    private readonly string _chainId = plane.Value.Environment == PacSpaceEnvironment.Production ? "295" : "296";

    private readonly Error _chainMismatch = Error.Validation("X-Chain-Id", plane.Value.Environment == PacSpaceEnvironment.Production
        ? "must be 295 (the Production chain id, used with pk_live_ keys) on this plane, or left out"
        : "must be 296 (the Sandbox chain id, used with pk_test_ keys) on this plane, or left out");

    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<ApiKeyRequired>() is null)
        {
            return next(context);
        }

        var header = context.Request.Headers[HeaderName];
        var text = header.Count == 1 ? header[0] : null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return Envelope.WriteErrorAsync(context, header.Count > 1 ? Malformed : Missing);
        }

        if (!ApiKeyFormat.TryParse(text, out var env, out var publicId, out _))
        {
            return Envelope.WriteErrorAsync(context, Malformed);
        }

        if (env != _environment)
        {
            return Envelope.WriteErrorAsync(context, _mismatch);
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (!catchUp.Ready.IsCompleted || !keys.TryGetCached(text.AsSpan()[publicId], now, out var key))
        {
            return SlowPathAsync(context, text);
        }

        return ContinueAsync(context, text, key, now);
    }

    private async Task SlowPathAsync(HttpContext context, string text)
    {
        await catchUp.Ready.WaitAsync(context.RequestAborted);
        var publicId = text.Substring(ApiKeyFormat.PrefixLength, ApiKeyFormat.PublicIdLength);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (!keys.TryGetCached(publicId, now, out var key))
        {
            key = await keys.LoadAsync(publicId, context.RequestAborted);
        }

        await ContinueAsync(context, text, key, now);
    }

    private Task ContinueAsync(HttpContext context, string text, StoredKey? key, long now)
    {
        var verdict = Verify(text, key, now);
        if (verdict is not null)
        {
            return Envelope.WriteErrorAsync(context, verdict);
        }

        var chainId = context.Request.Headers["X-Chain-Id"];
        if (chainId.Count > 0 && !(chainId.Count == 1 && chainId[0] == _chainId))
        {
            return Envelope.WriteErrorAsync(context, _chainMismatch);
        }

        var caller = key!.Caller;
        var retryAfter = limiter.TryAcquire(caller);
        if (retryAfter > 0)
        {
            return Envelope.WriteErrorAsync(context, new Error(429, ErrorCodes.RateLimited,
                $"Too many requests for this API key. Try again in {retryAfter} second{(retryAfter == 1 ? "" : "s")}.") { RetryAfterSeconds = retryAfter });
        }

        usage.Record(key, now);
        context.Features.Set(caller);
        return next(context);
    }

    private Error? Verify(string text, StoredKey? key, long now)
    {
        if (key is null)
        {
            return Unknown;
        }

        Span<byte> presented = stackalloc byte[32];
        ApiKeyFormat.HashSecret(text.AsSpan(ApiKeyFormat.PublicKeyLength + 1), presented);
        if (!CryptographicOperations.FixedTimeEquals(presented, key.SecretHash))
        {
            return Unknown;
        }

        // Only a caller holding the secret learns the key's state.
        return key.State switch
        {
            KeyStates.Revoked => Revoked,
            KeyStates.Disabled => Disabled,
            _ when key.ExpiresAt is long e && e <= now => Expired,
            _ when !key.Deployed => NotDeployed,
            // The plan travels with the key; a downgrade is re-delivered to the plane.
            _ when _environment == PacSpaceEnvironment.Production && key.Caller.Plan == "free" => NoPaidPlan,
            _ => null,
        };
    }
}
