using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using MimeKit;

namespace PacSpace.IntegrationTests.Infrastructure;

public enum Auth
{
    None,
    Bearer,
    Cookie,
}

/// <summary>What a logged-in client holds: the JWT and the session cookie of the same session.</summary>
public sealed record Session(string Token, string Cookie, string UserId, string TenantId, string Email);

public sealed record Answer(HttpStatusCode Status, JsonElement Body, HttpResponseHeaders Headers, string Raw)
{
    public JsonElement Data => Body.GetProperty("data");

    public string? Code => Body.TryGetProperty("error", out var e) ? e.GetProperty("code").GetString() : null;

    public IEnumerable<string> DetailFields => Body.GetProperty("error").TryGetProperty("details", out var d)
        ? d.EnumerateArray().Select(x => x.GetProperty("field").GetString()!)
        : [];

    public override string ToString() => $"{(int)Status} {Raw}";
}

/// <summary>A thin HTTP client for the Dashboard API as a curl user would drive it (no SDK involved).</summary>
public sealed partial class DashboardApi(HttpClient http, string outbox)
{
    public const string Password = "correct-horse-battery-9";

    private readonly ConcurrentDictionary<string, (HashSet<string> To, string Text)> _mails = new(StringComparer.Ordinal);

    public HttpClient Http => http;

    public static string NewEmail(string prefix = "dev") => $"{prefix}-{Guid.NewGuid().ToString("N")[..10]}@example.com";

    /// <param name="expectContinue">
    /// Asks before sending the body (<c>Expect: 100-continue</c>). For bodies over the server's limit: the server answers
    /// 413 without reading them, and a client still writing would otherwise race the closed connection.
    /// </param>
    public async Task<Answer> SendAsync(HttpMethod method, string path, object? body = null, Session? session = null, Auth auth = Auth.Bearer, bool csrf = true, string? rawBody = null,
        string contentType = "application/json", bool expectContinue = false, string? cookie = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.ExpectContinue = expectContinue;
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        if (rawBody is not null || body is not null)
        {
            request.Content = new StringContent(rawBody ?? JsonSerializer.Serialize(body), Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        if (session is not null && auth == Auth.Bearer)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.Token);
        }
        else if (session is not null && auth == Auth.Cookie)
        {
            request.Headers.Add("Cookie", $"pacspace_session={session.Cookie}");
            if (csrf)
            {
                request.Headers.Add("X-Pacspace-CSRF", "1");
            }
        }

        using var response = await http.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        var json = string.IsNullOrEmpty(raw) ? default : JsonDocument.Parse(raw).RootElement.Clone();
        return new Answer(response.StatusCode, json, response.Headers, raw);
    }

    public Task<Answer> GetAsync(string path, Session? session = null, Auth auth = Auth.Bearer) => SendAsync(HttpMethod.Get, path, null, session, auth);

    public Task<Answer> PostAsync(string path, object? body, Session? session = null, Auth auth = Auth.Bearer, bool csrf = true) =>
        SendAsync(HttpMethod.Post, path, body, session, auth, csrf);

    public Task<Answer> RegisterAsync(string email, string password = Password) =>
        PostAsync("/dashboard/auth/register", new { name = "Ada Lovelace", email, password, organization = "Analytical Engines" });

    /// <summary>Registers, verifies through the link in the outbox, and logs in.</summary>
    public async Task<Session> SignUpAsync(string? email = null)
    {
        email ??= NewEmail();
        var registered = await RegisterAsync(email);
        Assert.True(registered.Status == HttpStatusCode.Created, registered.ToString());
        await VerifyEmailAsync(email);
        return await LoginAsync(email);
    }

    /// <param name="userAgent">Sent as <c>User-Agent</c> (none by default, as HttpClient sends none).</param>
    public async Task<Session> LoginAsync(string email, string password = Password, string? userAgent = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/dashboard/auth/login")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { email, password }), Encoding.UTF8, "application/json"),
        };
        if (userAgent is not null)
        {
            request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        }

        using var response = await http.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, raw);
        var data = JsonDocument.Parse(raw).RootElement.GetProperty("data");
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("pacspace_session=", StringComparison.Ordinal));
        var cookieValue = cookie.Split(';')[0]["pacspace_session=".Length..];
        var user = data.GetProperty("user");
        return new Session(data.GetProperty("accessToken").GetString()!, cookieValue, user.GetProperty("id").GetString()!, user.GetProperty("tenantId").GetString()!, email);
    }

    /// <summary>Reads the newest verification mail sent to <paramref name="email"/> from the outbox folder.</summary>
    /// <summary>Uses the token of the newest verification mail to <paramref name="email"/> through the API, as the mail page's button does.</summary>
    public async Task VerifyEmailAsync(string email)
    {
        var verified = await PostAsync("/dashboard/auth/verify", new { token = TokenOf(await VerificationLinkAsync(email)) });
        Assert.True(verified.Status == HttpStatusCode.OK, verified.ToString());
    }

    public static string TokenOf(string link) => Uri.UnescapeDataString(link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..]);

    /// <summary>The newest mailed link to <paramref name="email"/> whose path matches <paramref name="pattern"/> (path and query).</summary>
    public Task<string> MailedLinkAsync(string email, Regex pattern) => FindLinkAsync(email, pattern);

    /// <summary>The verification link of the newest mail to <paramref name="email"/>: the page whose button uses the token.</summary>
    public Task<string> VerificationLinkAsync(string email) => FindLinkAsync(email, VerifyLink());

    /// <summary>The verification link of a mail to <paramref name="email"/> sent after the one that held <paramref name="previous"/>.</summary>
    /// <remarks>Mail leaves after the answer (MailQueue): right after a request that mails, the newest mail may still be the previous one.</remarks>
    public Task<string> NextVerificationLinkAsync(string email, string previous) => FindLinkAsync(email, VerifyLink(), previous);

    private async Task<string> FindLinkAsync(string email, Regex pattern, string? except = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            foreach (var file in Directory.Exists(outbox) ? Directory.GetFiles(outbox, "*.eml").OrderDescending().ToArray() : [])
            {
                var (to, text) = await ReadMailAsync(file);
                if (to.Contains(email) && pattern.Match(text) is { Success: true } m && new Uri(m.Value).PathAndQuery is var link && link != except)
                {
                    return link;
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No mail with a link like {pattern} for {email} in {outbox}.");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// The addressees and text of one outbox mail, each file parsed once: a stack shared by a class's tests gathers many mails,
    /// and a search that finds nothing yet reads every one of them each time it looks. The mailer moves a message into the
    /// folder only once it is written whole, so a file never changes after it appears.
    /// </summary>
    private async Task<(HashSet<string> To, string Text)> ReadMailAsync(string file)
    {
        if (!_mails.TryGetValue(file, out var mail))
        {
            var message = await MimeMessage.LoadAsync(file);
            mail = (message.To.Mailboxes.Select(m => m.Address).ToHashSet(StringComparer.Ordinal), message.TextBody ?? "");
            _mails[file] = mail;
        }

        return mail;
    }

    /// <summary>Polls the current-generation status route until <paramref name="env"/> reaches <paramref name="status"/>.</summary>
    public async Task<JsonElement> WaitForStatusAsync(Session session, string env, string status, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var answer = await GetAsync("/dashboard/environments/environment-status", session);
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            var state = answer.Data.GetProperty(env);
            if (state.GetProperty("status").GetString() == status)
            {
                return state;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{env} did not reach {status}; last answer {answer}");
            }

            await Task.Delay(25);
        }
    }

    [GeneratedRegex(@"https?://\S+/verify-email\?token=[A-Za-z0-9_\-%]+")]
    internal static partial Regex VerifyLink();

    [GeneratedRegex(@"https?://\S+/reset-password\?token=[A-Za-z0-9_\-%]+")]
    public static partial Regex ResetLink();
}
