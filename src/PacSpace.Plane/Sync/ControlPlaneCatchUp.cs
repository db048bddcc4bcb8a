using System.Net.Http.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Web;

namespace PacSpace.Plane.Sync;

/// <summary>
/// At start-up, before any API key is accepted, reads the changes the control plane has not been able to deliver
/// (<see cref="CatchUpFeed"/>: key states, webhook endpoints). A key revoked while this plane was down must not work
/// for even one request after it comes back. If the control plane does not answer within
/// <see cref="PlaneOptions.StartupSyncTimeout"/>, the plane serves from its own store: a plane keeps working when the
/// control plane is down.
/// </summary>
internal sealed partial class ControlPlaneCatchUp(
    IHttpClientFactory httpFactory,
    Database db,
    IEnumerable<CatchUpFeed> feeds,
    IOptions<PlaneOptions> options,
    ILogger<ControlPlaneCatchUp> logger) : IHostedService
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when start-up catch-up has finished, succeeded or not.</summary>
    public Task Ready => _ready.Task;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        try
        {
            if (!string.IsNullOrWhiteSpace(o.ControlPlaneUrl))
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(o.StartupSyncTimeout);
                foreach (var feed in feeds)
                {
                    LogCaughtUp(await CatchUpAsync(feed, o, timeout.Token), feed.Name);
                }
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or System.Text.Json.JsonException && !cancellationToken.IsCancellationRequested)
        {
            LogControlPlaneUnavailable(o.ControlPlaneUrl, ex.Message);
        }
        finally
        {
            _ready.TrySetResult();
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task<int> CatchUpAsync(CatchUpFeed feed, PlaneOptions o, CancellationToken cancellationToken)
    {
        using var http = httpFactory.CreateClient(nameof(ControlPlaneCatchUp));
        var applied = 0;
        string? after = null;
        await using var connection = await db.OpenAsync(cancellationToken);
        do
        {
            using var request = new HttpRequestMessage(HttpMethod.Get,
                new Uri(new Uri(o.ControlPlaneUrl), $"/internal/v1/{feed.Route}/pending?environment={feed.Environment}&after={Uri.EscapeDataString(after ?? "")}"));
            request.Headers.Add(InternalApi.SecretHeader, o.ServiceSecret);
            using var response = await http.SendAsync(request, cancellationToken);
            response.EnsureSuccessStatusCode();
            (var count, after) = await feed.ApplyPageAsync(response.Content, connection, cancellationToken);
            applied += count;
        }
        while (after is not null);

        return applied;
    }

    [LoggerMessage(EventId = 520, Level = LogLevel.Information, Message = "Catch-up done: {Applied} pending {Feed} applied")]
    private partial void LogCaughtUp(int applied, string feed);

    [LoggerMessage(EventId = 521, Level = LogLevel.Warning, Message = "Control plane at {Url} did not answer at start-up ({Reason}); serving from the local store")]
    private partial void LogControlPlaneUnavailable(string url, string reason);
}
