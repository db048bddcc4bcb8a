using System.Security.Cryptography;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Keys;
using PacSpace.Hosting.Web;

namespace PacSpace.Balance.Features.Keys;

/// <summary>
/// Authenticates <c>X-Api-Key</c> on <c>/api/v1/*</c>: shape and checksum first (no storage touched), then the
/// environment of the prefix, then the plane's own key store (cached), a constant-time comparison of
/// SHA-256 of the secret, and the key's state. Works with the control plane down.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    KeyStore keys,
    KeyCatchUp catchUp,
    UsageRecorder usage,
    IOptions<PlaneOptions> plane,
    TimeProvider time) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    private static readonly object ErrorItem = new();

    private static readonly Error Missing = new(401, ErrorCodes.MissingApiKey,
        $"Send your API key in the {HeaderName} header (pk_test_….sk_test_… for Sandbox, pk_live_….sk_live_… for Production).");

    private static readonly Error Malformed = new(401, ErrorCodes.InvalidApiKey,
        "The API key is malformed or mistyped. Copy the full key (pk_….sk_…) exactly as it was shown when it was created.");

    private static readonly Error Unknown = new(401, ErrorCodes.InvalidApiKey, "The API key is not valid.");

    private static readonly Error Disabled = new(401, ErrorCodes.ApiKeyDisabled,
        "This API key is disabled. Enable it again under API keys in the dashboard, or use another key.");

    private static readonly Error Expired = new(401, ErrorCodes.ApiKeyExpired,
        "This API key has expired (a rotated key stops when its overlap ends). Use its replacement or create a new key.");

    private static readonly Error Revoked = new(401, ErrorCodes.ApiKeyRevoked, "This API key was revoked. Create a new key in the dashboard.");

    private static readonly Error NotDeployed = new(412, ErrorCodes.ContractNotDeployed,
        "This environment is not active for your account on this plane yet. Check GET /dashboard/environments/environment-status and try again once it is active.");

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Path.StartsWithSegments("/api/v1", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        if (!catchUp.Ready.IsCompleted)
        {
            await catchUp.Ready.WaitAsync(Context.RequestAborted);
        }

        var header = Request.Headers[HeaderName];
        var text = header.Count == 1 ? header[0] : null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return Fail(header.Count > 1 ? Malformed : Missing);
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var check = Parse(text, now, out var key);
        if (check is not null)
        {
            return Fail(check);
        }

        if (key is null)
        {
            key = await keys.LoadAsync(text.Substring(ApiKeyFormat.PrefixLength, ApiKeyFormat.PublicIdLength), Context.RequestAborted);
        }

        var verdict = Verify(text, key, now);
        if (verdict is not null)
        {
            return Fail(verdict);
        }

        usage.Record(key!, now);
        Context.Features.Set(key!.Caller);
        return AuthenticateResult.Success(key.Caller.Ticket);
    }

    /// <summary>Shape, checksum and environment, then the cache. A null error with a null key means: ask the store.</summary>
    private Error? Parse(string text, long now, out StoredKey? cached)
    {
        cached = null;
        if (!ApiKeyFormat.TryParse(text, out var env, out var publicId, out _))
        {
            return Malformed;
        }

        if (env != plane.Value.KeyEnvironment)
        {
            return Mismatch(env);
        }

        keys.TryGetCached(text.AsSpan()[publicId], now, out cached);
        return null;
    }

    private static Error? Verify(string text, StoredKey? key, long now)
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
            _ => null,
        };
    }

    private Error Mismatch(KeyEnvironment presented)
    {
        var mine = plane.Value.EnvironmentName;
        return presented == KeyEnvironment.Live
            ? new Error(403, ErrorCodes.ApiKeyEnvironmentHostMismatch, $"This is a live key; send it to the production endpoint. This is the {mine} endpoint, which takes pk_test_ keys.")
            : new Error(403, ErrorCodes.ApiKeyEnvironmentHostMismatch, $"This is a test key; send it to the sandbox endpoint. This is the {mine} endpoint, which takes pk_live_ keys.");
    }

    private AuthenticateResult Fail(Error error)
    {
        Context.Items[ErrorItem] = error;
        return AuthenticateResult.Fail(error.Code);
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        Envelope.WriteErrorAsync(Context, Context.Items[ErrorItem] as Error ?? Missing);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Envelope.WriteErrorAsync(Context, Context.Items[ErrorItem] as Error ?? Missing);
}
