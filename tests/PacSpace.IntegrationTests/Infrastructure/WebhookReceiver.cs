using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PacSpace.IntegrationTests.Infrastructure;

/// <summary>One request a receiver got: its headers (first value each, names as sent) and its raw body.</summary>
public sealed record ReceivedWebhook(IReadOnlyDictionary<string, string> Headers, string Body, DateTimeOffset At)
{
    public string Header(string name) => Headers.TryGetValue(name, out var v) ? v : "";
}

/// <summary>
/// A real HTTP receiver on a loopback port (Kestrel), for deliveries: it keeps every request and answers what
/// <see cref="Answer"/> says (200 by default). It can be stopped and started again on the same port (an outage).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private WebApplication? _app;

    private WebhookReceiver(int port) => Port = port;

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/hooks";

    /// <summary>The status code each request gets.</summary>
    public Func<ReceivedWebhook, int> Answer { get; set; } = _ => 200;

    /// <summary>How long each answer takes (a slow receiver).</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.Zero;

    public IReadOnlyList<ReceivedWebhook> Received => _received.ToArray();

    public static async Task<WebhookReceiver> StartAsync()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var receiver = new WebhookReceiver(port);
        await receiver.StartAgainAsync();
        return receiver;
    }

    /// <summary>Stops answering: connections are refused until <see cref="StartAgainAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public async Task StartAgainAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, Port));
        var app = builder.Build();
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var got = new ReceivedWebhook(headers, body, DateTimeOffset.UtcNow);
            if (Delay > TimeSpan.Zero)
            {
                await Task.Delay(Delay);
            }

            _received.Enqueue(got);
            context.Response.StatusCode = Answer(got);
            await context.Response.WriteAsync("ok");
        });
        await app.StartAsync();
        _app = app;
    }

    /// <summary>Waits until at least <paramref name="count"/> requests matching <paramref name="which"/> arrived; returns them.</summary>
    public async Task<List<ReceivedWebhook>> WaitForAsync(int count, TimeSpan timeout, Func<ReceivedWebhook, bool>? which = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var got = Received.Where(which ?? (_ => true)).ToList();
            if (got.Count >= count || DateTime.UtcNow > deadline)
            {
                Assert.True(got.Count >= count, $"{got.Count} of {count} webhook requests arrived within {timeout.TotalSeconds} s");
                return got;
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
