using System.Net;
using System.Net.Sockets;
using PacSpace.Cli;
using PacSpace.IntegrationTests.Infrastructure;

namespace PacSpace.IntegrationTests.Dashboard;

/// <summary>Prometheus metrics on a port of their own, one per role: request figures, ingest, the sequencer, activations.</summary>
public sealed class MetricsScenarios
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
