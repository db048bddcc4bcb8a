using System.Net;
using System.Text.Json;
using PacSpace.Cli;
using PacSpace.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PacSpace.IntegrationTests.Webhooks;

/// <summary>
/// Kills the real host (<c>pacspace up</c> in a process of its own) with SIGKILL while deliveries are in flight to a slow
/// receiver, starts it again on the same data, and checks that every event still arrives (at least once).
/// </summary>
public abstract class WebhookCrashScenarios(Store store, PostgresServer? postgres, ITestOutputHelper output)
{
    private const int Deltas = 60;

    /// <summary>Short attempts so that claims held by the killed process lapse quickly (a PostgreSQL store keeps them until then).</summary>
    private static readonly Dictionary<string, string> HostEnvironment = new()
    {
        ["PACSPACE_Logging__LogLevel__Default"] = "Warning",
        ["PACSPACE_Webhooks__AttemptTimeout"] = "00:00:02",
    };

    [Fact]
    [Trait("Category", "Crash")]
    public async Task Host_KilledMidDelivery_EveryEventArrivesAfterRestart()
    {
        var data = Directory.CreateTempSubdirectory("pacspace-whcrash-").FullName;
        var database = store == Store.Postgres ? postgres!.ConnectionString("t_whcrash_" + Guid.NewGuid().ToString("N")[..12]) : null;
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Delay = TimeSpan.FromMilliseconds(250);
        var host = await HostProcess.StartAsync(data, database, HostEnvironment);
        try
        {
            using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = host.Url(Role.Dashboard) };
            var api = new DashboardApi(http, Path.Combine(data, "outbox"));
            var session = await api.ReadyTenantAsync();
            var key = (await api.CreateKeyAsync(session)).FullKey;
            await api.CreateWebhookAsync(session, "sandbox", receiver.Url);

            var records = new List<string>();
            using (var plane = new HttpClient { BaseAddress = host.Url(Role.Sandbox) })
            {
                for (var i = 0; i < Deltas; i++)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/balance/delta")
                    {
                        Content = new StringContent($$"""{"customerId": "crash-{{i % 4}}", "delta": {{i + 1}}, "reason": "usage"}""", System.Text.Encoding.UTF8, "application/json"),
                    };
                    request.Headers.Add("X-Api-Key", key);
                    using var answer = await plane.SendAsync(request);
                    Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
                    records.Add(JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("data").GetProperty("recordId").GetString()!);
                }
            }

            // Some deliveries made, others in flight or waiting: the kill lands in the middle of delivering.
            await receiver.WaitForAsync(5, TimeSpan.FromSeconds(30));
            var before = receiver.Received.Count;
            await host.KillAsync();
            Assert.Equal(128 + 9, host.ExitCode);
            Assert.True(before < Deltas, $"all {Deltas} arrived before the kill; the test proves nothing");
            output.WriteLine($"{store}: killed after {before} of {Deltas} deliveries arrived");

            var ports = host.Ports;
            await host.DisposeAsync();
            host = await HostProcess.StartAsync(data, database, HostEnvironment, ports);

            await KeyTestKit.EventuallyAsync(() => Task.FromResult(Distinct(receiver)), d => d.Count == Deltas, TimeSpan.FromSeconds(90), "every event");
            Assert.Equal(records.ToHashSet(), Distinct(receiver));
            output.WriteLine($"{store}: {receiver.Received.Count} requests for {Deltas} events ({receiver.Received.Count - Deltas} sent again after the restart)");
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    private static HashSet<string> Distinct(WebhookReceiver receiver) =>
        receiver.Received.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("data").GetProperty("recordId").GetString()!).ToHashSet();
}

public sealed class WebhookCrashScenariosOnSqlite(ITestOutputHelper output) : WebhookCrashScenarios(Store.Sqlite, null, output);

[Collection(PostgresCollection.Name)]
public sealed class WebhookCrashScenariosOnPostgres(PostgresServer postgres, ITestOutputHelper output) : WebhookCrashScenarios(Store.Postgres, postgres, output);
