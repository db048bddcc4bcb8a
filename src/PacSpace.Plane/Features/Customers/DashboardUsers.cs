using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PacSpace.Contracts.Auth;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Json;
using PacSpace.Hosting.Web;

namespace PacSpace.Plane.Features.Customers;

/// <summary>
/// Whether a dashboard credential presented to this plane (a JWT, or the session cookie's value) belongs to an open session
/// of a user of the key's tenant. The plane cannot tell by itself — it holds neither the JWT signing key nor the sessions —
/// so it asks the control plane (<c>POST /internal/v1/authorize-user</c>, with the service secret) and keeps the answer
/// for <see cref="PlaneOptions.DashboardAuthCacheTtl"/> at most (never past the session's expiry): a session that ends is
/// refused here within that time. Only SHA-256 of a credential is kept.
/// </summary>
internal sealed partial class DashboardUsers(
    IHttpClientFactory httpFactory,
    IOptions<PlaneOptions> options,
    TimeProvider time,
    ILogger<DashboardUsers> logger)
{
    /// <summary>Most answers kept; past it, expired ones are dropped, and if none has expired, all.</summary>
    private const int MaxCached = 10_000;

    private readonly ConcurrentDictionary<string, (UserAuthorization Answer, long Until)> _cache = new(StringComparer.Ordinal);

    /// <summary>A credential as presented: exactly one of the two.</summary>
    public sealed record Credential(string? BearerToken, string? SessionCookie);

    /// <summary>The user the credential names, or the refusal: 401 for no open session or another tenant's, 503 when the control plane cannot answer.</summary>
    public async Task<Result<string>> AuthorizeAsync(string tenantId, Credential credential, CancellationToken ct)
    {
        var o = options.Value;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var cacheKey = CacheKey(tenantId, credential);
        if (!_cache.TryGetValue(cacheKey, out var cached) || cached.Until <= now)
        {
            if (string.IsNullOrWhiteSpace(o.ControlPlaneUrl))
            {
                return new Error(503, ErrorCodes.ServiceUnavailable,
                    "This plane is not connected to a control plane (Plane:ControlPlaneUrl is empty), so it cannot check dashboard tokens. Create customers through the dashboard's address.");
            }

            UserAuthorization answer;
            try
            {
                answer = await AskAsync(o, tenantId, credential, ct);
            }
            catch (Exception ex) when (ex is HttpRequestException or System.Text.Json.JsonException or InvalidDataException
                || (ex is OperationCanceledException && !ct.IsCancellationRequested))
            {
                LogControlPlaneUnavailable(o.ControlPlaneUrl, ex.Message);
                return new Error(503, ErrorCodes.ServiceUnavailable,
                    "The dashboard token could not be checked: the control plane did not answer. Try again shortly.") { RetryAfterSeconds = 5 };
            }

            var until = now + (long)o.DashboardAuthCacheTtl.TotalMilliseconds;
            cached = (answer, answer.SessionExpiresAt is long expires ? Math.Min(until, expires) : until);
            Remember(cacheKey, cached, now);
        }

        return cached.Answer.Verdict switch
        {
            UserVerdicts.Authorized => cached.Answer.UserId!,
            UserVerdicts.OtherTenant => Error.Unauthenticated(
                "The dashboard token does not belong to the account of this API key. Send a token of a user of the same account as the key."),
            _ => Error.Unauthenticated("The dashboard token is not valid, or its session has ended. Log in to the dashboard again and send the new token."),
        };
    }

    private async Task<UserAuthorization> AskAsync(PlaneOptions o, string tenantId, Credential credential, CancellationToken ct)
    {
        using var http = httpFactory.CreateClient(nameof(DashboardUsers));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(o.DashboardAuthTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(o.ControlPlaneUrl), "/internal/v1/authorize-user"))
        {
            Content = JsonContent.Create(new AuthorizeUserRequest(tenantId, credential.BearerToken, credential.SessionCookie), options: JsonDefaults.Options),
        };
        request.Headers.Add(InternalApi.SecretHeader, o.ServiceSecret);
        using var response = await http.SendAsync(request, deadline.Token);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<Answer>(JsonDefaults.Options, deadline.Token))?.Data
            ?? throw new InvalidDataException("The control plane answered without data.");
    }

    private void Remember(string key, (UserAuthorization, long) entry, long now)
    {
        if (_cache.Count >= MaxCached)
        {
            foreach (var (k, v) in _cache)
            {
                if (v.Until <= now)
                {
                    _cache.TryRemove(k, out _);
                }
            }

            if (_cache.Count >= MaxCached)
            {
                _cache.Clear();
            }
        }

        _cache[key] = entry;
    }

    private static string CacheKey(string tenantId, Credential credential)
    {
        var text = tenantId + "\n" + (credential.BearerToken is null ? "c:" + credential.SessionCookie : "b:" + credential.BearerToken);
        return Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private sealed record Answer(UserAuthorization? Data);

    [LoggerMessage(EventId = 530, Level = LogLevel.Warning, Message = "Control plane at {Url} did not answer a dashboard token check ({Reason})")]
    private partial void LogControlPlaneUnavailable(string url, string reason);
}
