using System.Net;
using System.Net.Sockets;
using PacSpace.IntegrationTests.Infrastructure;

namespace PacSpace.IntegrationTests.Dashboard;

/// <summary><c>pacspace up</c> as a process of its own, started the way a user starts it.</summary>
public sealed class UpCommandScenarios
{
    /// <summary>
    /// A port already in use (Kestrel reports it as an <c>AddressInUseException</c> inside its <c>IOException</c>) is named
    /// with what to do about it, and `up` exits instead of crashing, which is what lets a caller retry on other ports: here
    /// the test host, which starts again on free ports only after that message.
    /// </summary>
    [Fact]
    public async Task Up_OnAPortAlreadyTaken_SaysWhichAndExits_SoItCanStartAgainOnFreePorts()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var data = Directory.CreateTempSubdirectory("pacspace-up-").FullName;
        await using var host = await HostProcess.StartAsync(data, null, new Dictionary<string, string> { ["PACSPACE_Logging__LogLevel__Default"] = "Warning" },
            HostPorts.Free() with { Sandbox = port });
        Assert.NotEqual(port, host.Ports.Sandbox);
        Assert.False(host.HasExited);
    }
}
