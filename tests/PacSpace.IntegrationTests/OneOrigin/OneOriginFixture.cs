using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using PacSpace.Cli;
using PacSpace.IntegrationTests.Infrastructure;

namespace PacSpace.IntegrationTests.OneOrigin;

/// <summary>
/// One stack shared by the scenarios of a class (they are independent of each other): a tenant on a paid plan with Sandbox
/// and Production active and a key of each, and a second tenant on the free plan whose Sandbox key meets a small rate limit.
/// The planes note, for each request that carries <see cref="ProbeHeader"/>, the client address the plane ended up with.
/// </summary>
public sealed class OneOriginFixture : IAsyncDisposable
{
    public const string ProbeHeader = "X-Test-Probe";

    private readonly SemaphoreSlim _gate = new(1, 1);

    public TestStack Stack { get; private set; } = null!;

    public Session Tenant { get; private set; } = null!;

    public string TestKey { get; private set; } = "";

    public string LiveKey { get; private set; } = "";

    /// <summary>A Sandbox key of a free-plan tenant: 1 request per second, burst 2.</summary>
    public string LimitedKey { get; private set; } = "";

    /// <summary>Probe value → (plane, client address the plane saw once its forwarded-header handling had run).</summary>
    public ConcurrentDictionary<string, (Role Plane, IPAddress? Client)> Seen { get; } = new();

    /// <summary>Probe value → the HTTP version the request reached the plane with.</summary>
    public ConcurrentDictionary<string, string> Protocols { get; } = new();

    public async Task EnsureAsync(Store store, PostgresServer? postgres)
    {
        await _gate.WaitAsync();
        try
        {
            if (Stack is not null)
            {
                return;
            }

            Stack = await TestStack.StartAsync(store, postgres, o =>
            {
                o.Overrides["Plane:RateLimits:free:PermitsPerSecond"] = "1";
                o.Overrides["Plane:RateLimits:free:Burst"] = "2";
                o.ConfigureServices = (role, services) =>
                {
                    if (role != Role.Dashboard)
                    {
                        services.AddSingleton<IStartupFilter>(new ProbeFilter(role, Seen, Protocols));
                    }
                };
            });
            Tenant = await Stack.Dashboard.ReadyTenantAsync();
            await Stack.Dashboard.ActivateProductionAsync(Tenant);
            TestKey = (await Stack.Dashboard.CreateKeyAsync(Tenant)).FullKey;
            LiveKey = (await Stack.Dashboard.CreateKeyAsync(Tenant, "live")).FullKey;
            var free = await Stack.Dashboard.ReadyTenantAsync();
            LimitedKey = (await Stack.Dashboard.CreateKeyAsync(free)).FullKey;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Stack is not null)
        {
            await Stack.DisposeAsync();
        }

        _gate.Dispose();
    }

    /// <summary>
    /// An HTTP client whose connections leave from <paramref name="local"/> (any 127.x address on Linux), so a client the
    /// planes see can be told apart from the control plane, which connects from 127.0.0.1.
    /// </summary>
    public static HttpClient ClientFrom(IPAddress local, Uri baseAddress) => new(new SocketsHttpHandler
    {
        UseProxy = false,
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(local, 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { BaseAddress = baseAddress };

    /// <summary>Outermost middleware of a plane; reads the address once the rest of the pipeline, forwarded headers included, has started the answer.</summary>
    private sealed class ProbeFilter(Role role, ConcurrentDictionary<string, (Role, IPAddress?)> seen, ConcurrentDictionary<string, string> protocols) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, inner) =>
            {
                var probe = context.Request.Headers[ProbeHeader].ToString();
                if (probe.Length > 0)
                {
                    // Noted as the answer starts, not after the pipeline returns: by then the client may already hold the
                    // answer and look the probe up. Forwarded headers have been applied by the time the answer starts.
                    context.Response.OnStarting(() =>
                    {
                        seen[probe] = (role, context.Connection.RemoteIpAddress);
                        protocols[probe] = context.Request.Protocol;
                        return Task.CompletedTask;
                    });
                }

                return inner(context);
            });
            next(app);
        };
    }
}
