using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using PacSpace.Cli;

namespace PacSpace.IntegrationTests.Infrastructure;

/// <summary>A clock that runs with real time plus an offset the test moves forward (timers stay real).</summary>
public sealed class AdjustableClock : TimeProvider
{
    private long _offsetTicks;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
}

/// <summary>Every log line every host of a stack writes, at every level, to check what never appears in them.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}

/// <summary>A created key as the create (or rotate) answer shows it once.</summary>
public sealed record CreatedKey(string Id, string PublicKey, string SecretKey, string FullKey, JsonElement Data);

public static class KeyTestKit
{
    /// <summary>Calls <c>GET /api/v1/whoami</c> on a plane with the given key (none: no header).</summary>
    public static async Task<Answer> WhoAmIAsync(this TestStack stack, Role plane, string? key)
    {
        using var client = stack.PlaneClient(plane);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/whoami");
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Api-Key", key);
        }

        using var response = await client.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        Assert.False(string.IsNullOrEmpty(raw), $"{(int)response.StatusCode} with an empty body");
        return new Answer(response.StatusCode, JsonDocument.Parse(raw).RootElement.Clone(), response.Headers, raw);
    }

    public static async Task<CreatedKey> CreateKeyAsync(this DashboardApi api, Session session, string environment = "test", string name = "server", Auth auth = Auth.Bearer)
    {
        var answer = await api.SendAsync(HttpMethod.Post, "/dashboard/api-keys", new { name, environment }, session, auth);
        Assert.True(answer.Status == HttpStatusCode.Created, answer.ToString());
        return ToKey(answer);
    }

    public static CreatedKey ToKey(Answer answer) => new(
        answer.Data.GetProperty("id").GetString()!,
        answer.Data.GetProperty("publicKey").GetString()!,
        answer.Data.GetProperty("secretKey").GetString()!,
        answer.Data.GetProperty("fullKey").GetString()!,
        answer.Data);

    /// <summary>Signs up and waits until Sandbox is active, so test keys can be created.</summary>
    public static async Task<Session> ReadyTenantAsync(this DashboardApi api)
    {
        var session = await api.SignUpAsync();
        await api.WaitForStatusAsync(session, "sandbox", "active");
        return session;
    }

    /// <summary>Moves the tenant to a paid plan and activates Production.</summary>
    public static async Task ActivateProductionAsync(this DashboardApi api, Session session)
    {
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync("/dashboard/billing/plan", new { tier = "pilot" }, session)).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await api.PostAsync("/dashboard/environments/provision", new { environment = "production" }, session)).Status);
        await api.WaitForStatusAsync(session, "production", "active");
    }

    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what} did not happen within {timeout.TotalSeconds} s; last: {value}");
            }

            await Task.Delay(50);
        }
    }
}
