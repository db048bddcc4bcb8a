using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using System.Net.Sockets;
using PacSpace.Cli;
using PacSpace.IntegrationTests.Infrastructure;

namespace PacSpace.IntegrationTests.Dashboard;

/// <summary>
/// Prometheus metrics on a port of their own, one per role: request figures, ingest, the sequencer, activations;
/// and traces sent to an OTLP/HTTP collector.
/// </summary>
public sealed class TelemetryScenarios
{
    [Fact]
    public async Task Metrics_PortConfigured_EachRoleServesItsOwnAndTheApiPortsDoNot()
    {
        var basePort = ThreeFreePorts();
        await using var stack = await TestStack.StartAsync(Store.Sqlite, null, o => o.Overrides["Telemetry:MetricsPort"] = basePort.ToString());
        var session = await stack.Dashboard.ReadyTenantAsync();
        var key = (await stack.Dashboard.CreateKeyAsync(session)).FullKey;
        var emitted = await stack.EmitAsync(Role.Sandbox, key, """{"customerId":"c","delta":3,"reason":"metered"}""");
        await stack.VerifiedAsync(Role.Sandbox, key, emitted.Data.GetProperty("recordId").GetString()!);
        using var http = new HttpClient();

        var dashboard = await http.GetStringAsync($"http://127.0.0.1:{basePort}/metrics");
        var sandbox = await KeyTestKit.EventuallyAsync(() => http.GetStringAsync($"http://127.0.0.1:{basePort + 1}/metrics"),
            text => text.Contains("pacspace_sequencer_lag", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "sequencer metrics exported");
        using var onApiPort = await http.GetAsync(new Uri(stack.Local.Url(Role.Sandbox), "/metrics"));

        Assert.Contains("http_server_request_duration_seconds", dashboard, StringComparison.Ordinal);
        Assert.Contains("pacspace_activation_duration_milliseconds", dashboard, StringComparison.Ordinal);
        Assert.Contains("pacspace_ingest_commit_size", sandbox, StringComparison.Ordinal);
        Assert.Contains("pacspace_ingest_queue_depth", sandbox, StringComparison.Ordinal);
        Assert.Contains("pacspace_sequencer_appended", sandbox, StringComparison.Ordinal);
        Assert.Contains("environment=\"sandbox\"", sandbox, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, onApiPort.StatusCode);
    }

    [Fact]
    public async Task Traces_CollectorConfigured_RequestsAndBackgroundWorkArriveOverOtlp()
    {
        var received = new List<byte[]>();
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var collector = builder.Build();
        collector.MapPost("/v1/traces", async (Microsoft.AspNetCore.Http.HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            lock (received)
            {
                received.Add(buffer.ToArray());
            }

            return Microsoft.AspNetCore.Http.Results.Ok();
        });
        await collector.StartAsync();
        await using var stack = await TestStack.StartAsync(Store.Sqlite, null, o => o.Overrides["Telemetry:OtlpEndpoint"] = collector.Urls.First());
        var session = await stack.Dashboard.ReadyTenantAsync();
        var key = (await stack.Dashboard.CreateKeyAsync(session)).FullKey;
        var emitted = await stack.EmitAsync(Role.Sandbox, key, """{"customerId":"c","delta":3,"reason":"traced"}""");
        await stack.VerifiedAsync(Role.Sandbox, key, emitted.Data.GetProperty("recordId").GetString()!);

        // OTLP is protobuf: span names and attribute values travel as plain UTF-8 strings inside it.
        string[] expected = ["pacspace-dashboard", "pacspace-sandbox", "environment.activate", "ingest.commit", "sequencer.round", "/api/v1/balance/delta"];
        await KeyTestKit.EventuallyAsync(() =>
        {
            lock (received)
            {
                return Task.FromResult(string.Concat(received.Select(System.Text.Encoding.UTF8.GetString)));
            }
        }, text => expected.All(e => text.Contains(e, StringComparison.Ordinal)), TimeSpan.FromSeconds(15), "spans of both roles at the collector");
    }

    private static int ThreeFreePorts()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var first = LocalStack.FreePort("127.0.0.1");
            if (first < 65533 && Free(first + 1) && Free(first + 2))
            {
                return first;
            }
        }

        throw new InvalidOperationException("No three consecutive free ports.");
    }

    private static bool Free(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
