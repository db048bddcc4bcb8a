using PacSpace.Ledger;
using System.Net.Http.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Json;
using PacSpace.Contracts.Keys;
using PacSpace.Hosting.Web;

namespace PacSpace.Plane.Features.Keys;

/// <summary>
/// At start-up, before any API key is accepted, reads the key changes the control plane has not been able to
/// deliver (a key revoked while this plane was down must not work for even one request after it comes back).
/// If the control plane does not answer within <see cref="PlaneOptions.StartupSyncTimeout"/>, the plane serves
/// from its own store: a plane keeps working when the control plane is down.
/// </summary>
internal sealed partial class KeyCatchUp(
    IHttpClientFactory httpFactory,
    Database db,
    KeyStore keys,
    IOptions<PlaneOptions> options,
    ILogger<KeyCatchUp> logger) : IHostedService
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
                var applied = await CatchUpAsync(o, timeout.Token);
                LogCaughtUp(applied);
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

    private async Task<int> CatchUpAsync(PlaneOptions o, CancellationToken cancellationToken)
    {
        using var http = httpFactory.CreateClient(nameof(KeyCatchUp));
        var environment = o.Environment.KeyName();
        var applied = 0;
        string? after = null;
        await using var connection = await db.OpenAsync(cancellationToken);
        do
        {
            using var request = new HttpRequestMessage(HttpMethod.Get,
                new Uri(new Uri(o.ControlPlaneUrl), $"/internal/v1/keys/pending?environment={environment}&after={Uri.EscapeDataString(after ?? "")}"));
            request.Headers.Add(InternalApi.SecretHeader, o.ServiceSecret);
            using var response = await http.SendAsync(request, cancellationToken);
            response.EnsureSuccessStatusCode();
            var page = (await response.Content.ReadFromJsonAsync<Envelope<KeyStatePage>>(JsonDefaults.Options, cancellationToken))?.Data
                ?? throw new HttpRequestException("the control plane answered without data");
            foreach (var state in page.Items)
            {
                if (ApplyKeyState.Validate(state.PublicId, state, o) is null && await keys.ApplyAsync(connection, state, cancellationToken))
                {
                    keys.Invalidate(state.PublicId);
                    applied++;
                }
            }

            after = page.Next;
        }
        while (after is not null);

        return applied;
    }

    private sealed record Envelope<T>(T Data);

    [LoggerMessage(EventId = 520, Level = LogLevel.Information, Message = "Key catch-up done: {Applied} pending key changes applied")]
    private partial void LogCaughtUp(int applied);

    [LoggerMessage(EventId = 521, Level = LogLevel.Warning, Message = "Control plane at {Url} did not answer at start-up ({Reason}); serving keys from the local store")]
    private partial void LogControlPlaneUnavailable(string url, string reason);
}
