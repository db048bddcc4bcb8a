using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PacSpace.Cli;
using PacSpace.Hosting.Data;

namespace PacSpace.IntegrationTests.Infrastructure;

public enum Store
{
    Sqlite,
    Postgres,
}

/// <summary>
/// The real composition <c>pacspace up</c> runs, on free loopback ports, in a temporary data folder, on SQLite
/// or on the suite's PostgreSQL server (fresh databases per stack).
/// </summary>
public sealed class TestStack : IAsyncDisposable
{
    private readonly string _dataDir;

    private TestStack(LocalStack local, string dataDir)
    {
        Local = local;
        _dataDir = dataDir;
        Dashboard = new DashboardApi(new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = local.Url(Role.Dashboard) }, Path.Combine(dataDir, "outbox"));
    }

    public LocalStack Local { get; }

    public DashboardApi Dashboard { get; }

    public string DataDirectory => _dataDir;

    public Database ControlDb => Local.OpenDatabase(Role.Dashboard);

    public Database PlaneDb(Role role) => Local.OpenDatabase(role);

    public Uri Url(Role role) => Local.Url(role);

    public string ServiceSecret => Local.Root["Planes:ServiceSecret"]!;

    /// <summary>Creates the stack's databases and starts the given roles (default: all three).</summary>
    public static async Task<TestStack> StartAsync(
        Store store,
        PostgresServer? postgres,
        Action<StackOptions>? configure = null,
        IReadOnlyList<Role>? roles = null,
        string? shareDataWith = null,
        string? database = null)
    {
        var dataDir = shareDataWith ?? Path.Combine(Path.GetTempPath(), "pacspace-test-" + Guid.NewGuid().ToString("N")[..10]);
        var options = new StackOptions
        {
            DataDirectory = dataDir,
            DashboardPort = 0,
            SandboxPort = 0,
            ProductionPort = 0,
            Database = store == Store.Postgres
                ? database ?? postgres!.ConnectionString("t_" + Guid.NewGuid().ToString("N")[..12])
                : null,
        };
        options.Overrides["Logging:LogLevel:Default"] = "Warning";
        options.Overrides["Logging:LogLevel:PacSpace.ControlPlane.Features.Environments.ProvisioningJob"] = "Error";
        options.Overrides["Auth:LoginRequestsPerMinutePerIp"] = "10000";
        // Every test client is 127.0.0.1: the per-client failure count would make unrelated scenarios wait for each other.
        options.Overrides["Auth:LoginFreeFailuresPerClient"] = "10000";
        configure?.Invoke(options);
        for (var attempt = 1; ; attempt++)
        {
            var local = LocalStack.Create(options);
            try
            {
                await local.MigrateAsync([Role.Dashboard, Role.Sandbox, Role.Production], CancellationToken.None);
                var stack = new TestStack(local, dataDir);
                foreach (var role in roles ?? [Role.Sandbox, Role.Production, Role.Dashboard])
                {
                    await local.StartAsync(role, CancellationToken.None);
                }

                return stack;
            }
            catch (IOException ex) when (attempt < 3 && ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                // A free port picked for the stack was taken (often by an outgoing connection) before the host bound it: new ports.
                await local.DisposeAsync();
            }
        }
    }

    public Task StartAsync(Role role) => Local.StartAsync(role, CancellationToken.None);

    public Task StopAsync(Role role) => Local.StopAsync(role);

    public HttpClient PlaneClient(Role role) => new() { BaseAddress = Local.Url(role) };

    public async ValueTask DisposeAsync()
    {
        await Local.DisposeAsync();
        Dashboard.Http.Dispose();
    }
}

/// <summary>A clock running ahead of real time, to act as a replica that sees a lease as expired.</summary>
public sealed class OffsetTimeProvider(TimeSpan offset) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
}

public static class ServiceCollectionTestExtensions
{
    public static void UseClock(this IServiceCollection services, TimeProvider time) => services.AddSingleton(time);
}

/// <summary>A TCP port that accepts connections and never answers: a plane that hangs.</summary>
public sealed class Blackhole : IDisposable
{
    private readonly System.Net.Sockets.TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<System.Net.Sockets.TcpClient> _held = [];
    private readonly CancellationTokenSource _stop = new();

    public Blackhole()
    {
        _listener.Start();
        _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    lock (_held)
                    {
                        _held.Add(client);
                    }
                }
                catch (Exception)
                {
                    return;
                }
            }
        });
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_held)
        {
            _held.ForEach(c => c.Dispose());
        }
    }
}
