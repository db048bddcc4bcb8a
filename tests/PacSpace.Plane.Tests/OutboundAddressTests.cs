using System.Net;
using System.Net.Sockets;
using PacSpace.Hosting.Web;

namespace PacSpace.Plane.Tests;

/// <summary>
/// The address rules webhook endpoints are checked against when saved, and that the plane's delivery checks again on
/// the address it connects to.
/// </summary>
public class OutboundAddressTests
{
    [Theory]
    // IPv4, with the edges of every range.
    [InlineData("8.8.8.8", OutboundAddressKind.Public)]
    [InlineData("203.0.113.10", OutboundAddressKind.Public)]
    [InlineData("0.0.0.0", OutboundAddressKind.Unspecified)]
    [InlineData("0.255.255.255", OutboundAddressKind.Unspecified)]
    [InlineData("1.0.0.0", OutboundAddressKind.Public)]
    [InlineData("9.255.255.255", OutboundAddressKind.Public)]
    [InlineData("10.0.0.0", OutboundAddressKind.Private)]
    [InlineData("10.0.0.1", OutboundAddressKind.Private)]
    [InlineData("10.255.255.255", OutboundAddressKind.Private)]
    [InlineData("11.0.0.0", OutboundAddressKind.Public)]
    [InlineData("100.63.255.255", OutboundAddressKind.Public)]
    [InlineData("100.64.0.0", OutboundAddressKind.Private)]
    [InlineData("100.127.255.255", OutboundAddressKind.Private)]
    [InlineData("100.128.0.0", OutboundAddressKind.Public)]
    [InlineData("100.100.100.200", OutboundAddressKind.Metadata)]
    [InlineData("126.255.255.255", OutboundAddressKind.Public)]
    [InlineData("127.0.0.0", OutboundAddressKind.Loopback)]
    [InlineData("127.0.0.1", OutboundAddressKind.Loopback)]
    [InlineData("127.255.255.255", OutboundAddressKind.Loopback)]
    [InlineData("128.0.0.0", OutboundAddressKind.Public)]
    [InlineData("169.253.255.255", OutboundAddressKind.Public)]
    [InlineData("169.254.0.0", OutboundAddressKind.LinkLocal)]
    [InlineData("169.254.170.2", OutboundAddressKind.LinkLocal)]
    [InlineData("169.254.169.254", OutboundAddressKind.Metadata)]
    [InlineData("169.254.255.255", OutboundAddressKind.LinkLocal)]
    [InlineData("169.255.0.0", OutboundAddressKind.Public)]
    [InlineData("172.15.255.255", OutboundAddressKind.Public)]
    [InlineData("172.16.0.0", OutboundAddressKind.Private)]
    [InlineData("172.31.255.255", OutboundAddressKind.Private)]
    [InlineData("172.32.0.0", OutboundAddressKind.Public)]
    [InlineData("192.167.255.255", OutboundAddressKind.Public)]
    [InlineData("192.168.0.0", OutboundAddressKind.Private)]
    [InlineData("192.168.255.255", OutboundAddressKind.Private)]
    [InlineData("192.169.0.0", OutboundAddressKind.Public)]
    [InlineData("223.255.255.255", OutboundAddressKind.Public)]
    [InlineData("224.0.0.1", OutboundAddressKind.NotUnicast)]
    [InlineData("240.0.0.1", OutboundAddressKind.NotUnicast)]
    [InlineData("255.255.255.255", OutboundAddressKind.NotUnicast)]
    // IPv6.
    [InlineData("::", OutboundAddressKind.Unspecified)]
    [InlineData("::1", OutboundAddressKind.Loopback)]
    [InlineData("::2", OutboundAddressKind.Unspecified)]
    [InlineData("2001:4860:4860::8888", OutboundAddressKind.Public)]
    [InlineData("2606:4700::1111", OutboundAddressKind.Public)]
    [InlineData("fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", OutboundAddressKind.Public)]
    [InlineData("fc00::", OutboundAddressKind.Private)]
    [InlineData("fd12:3456::1", OutboundAddressKind.Private)]
    [InlineData("fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", OutboundAddressKind.Private)]
    [InlineData("fd00:ec2::254", OutboundAddressKind.Metadata)]
    [InlineData("fd00:ec2::253", OutboundAddressKind.Private)]
    [InlineData("fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff", OutboundAddressKind.Public)]
    [InlineData("fe80::", OutboundAddressKind.LinkLocal)]
    [InlineData("fe80::1%2", OutboundAddressKind.LinkLocal)]
    [InlineData("febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", OutboundAddressKind.LinkLocal)]
    [InlineData("fec0::1", OutboundAddressKind.Private)]
    [InlineData("ff02::1", OutboundAddressKind.NotUnicast)]
    // IPv6 forms that carry an IPv4 address are judged by it.
    [InlineData("::ffff:127.0.0.1", OutboundAddressKind.Loopback)]
    [InlineData("::ffff:169.254.169.254", OutboundAddressKind.Metadata)]
    [InlineData("::ffff:10.1.2.3", OutboundAddressKind.Private)]
    [InlineData("::ffff:0.0.0.0", OutboundAddressKind.Unspecified)]
    [InlineData("::ffff:8.8.8.8", OutboundAddressKind.Public)]
    [InlineData("::127.0.0.1", OutboundAddressKind.Loopback)]
    [InlineData("::10.0.0.1", OutboundAddressKind.Private)]
    [InlineData("64:ff9b::a9fe:a9fe", OutboundAddressKind.Metadata)]
    [InlineData("64:ff9b::808:808", OutboundAddressKind.Public)]
    [InlineData("2002:c0a8:0101::1", OutboundAddressKind.Private)]
    [InlineData("2002:0808:0808::1", OutboundAddressKind.Public)]
    public void Classify_Address_GivesItsKind(string address, OutboundAddressKind expected)
    {
        Assert.Equal(expected, OutboundAddress.Classify(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData(OutboundAddressKind.Public, false, true)]
    [InlineData(OutboundAddressKind.Public, true, true)]
    [InlineData(OutboundAddressKind.Private, false, false)]
    [InlineData(OutboundAddressKind.Private, true, true)]
    [InlineData(OutboundAddressKind.Loopback, false, false)]
    [InlineData(OutboundAddressKind.Loopback, true, true)]
    [InlineData(OutboundAddressKind.Unspecified, true, false)]
    [InlineData(OutboundAddressKind.LinkLocal, true, false)]
    [InlineData(OutboundAddressKind.Metadata, true, false)]
    [InlineData(OutboundAddressKind.NotUnicast, true, false)]
    public void IsAllowed_Kind_PrivateNetworksOpenOnlyPrivateAndLoopback(OutboundAddressKind kind, bool allowPrivate, bool expected)
    {
        Assert.Equal(expected, OutboundAddress.IsAllowed(kind, allowPrivate));
    }

    [Fact]
    public void Refusal_MetadataEvenWithPrivateNetworks_NamesAddressAndKind()
    {
        Assert.Equal("169.254.169.254 is a cloud metadata address", OutboundAddress.Refusal(IPAddress.Parse("169.254.169.254"), allowPrivateNetworks: true));
        Assert.Equal("fd00:ec2::254 is a cloud metadata address", OutboundAddress.Refusal(IPAddress.Parse("fd00:ec2::254"), allowPrivateNetworks: true));
        Assert.Equal("10.0.0.1 is a private network address", OutboundAddress.Refusal(IPAddress.Parse("10.0.0.1"), allowPrivateNetworks: false));
        Assert.Null(OutboundAddress.Refusal(IPAddress.Parse("10.0.0.1"), allowPrivateNetworks: true));
        Assert.Null(OutboundAddress.Refusal(IPAddress.Parse("8.8.8.8"), allowPrivateNetworks: false));
    }

    [Theory]
    [InlineData("127.0.0.1", false, "127.0.0.1 is a loopback address")]
    [InlineData("[::1]", false, "::1 is a loopback address")]
    [InlineData("::1", true, null)]
    [InlineData("[fd00:ec2::254]", true, "fd00:ec2::254 is a cloud metadata address")]
    [InlineData("203.0.113.7", false, null)]
    public async Task ResolveAsync_Literal_ChecksItWithoutResolving(string host, bool allowPrivate, string? refusal)
    {
        var result = await OutboundAddress.ResolveAsync(host, allowPrivate, resolve: (_, _) => throw new InvalidOperationException("no lookup for a literal"));

        Assert.Equal(refusal, result.Refusal);
        Assert.Single(result.Addresses);
    }

    [Fact]
    public async Task ResolveAsync_NameWithOnePrivateAddressAmongPublicOnes_RefusedNamingIt()
    {
        var result = await OutboundAddress.ResolveAsync("hooks.example", allowPrivateNetworks: false,
            resolve: (_, _) => Task.FromResult(new[] { IPAddress.Parse("203.0.113.7"), IPAddress.Parse("10.0.0.1") }));

        Assert.False(result.Allowed);
        Assert.Equal("hooks.example resolves to 10.0.0.1, a private network address", result.Refusal);
        Assert.Equal(2, result.Addresses.Count);
    }

    [Fact]
    public async Task ResolveAsync_NameWithPublicAddresses_Allowed()
    {
        var result = await OutboundAddress.ResolveAsync("hooks.example", allowPrivateNetworks: false,
            resolve: (_, _) => Task.FromResult(new[] { IPAddress.Parse("203.0.113.7"), IPAddress.Parse("2001:db8::7") }));

        Assert.True(result.Allowed);
        Assert.Null(result.Refusal);
    }

    [Fact]
    public async Task ResolveAsync_Localhost_ResolvesToLoopbackAndIsRefusedWithoutPrivateNetworks()
    {
        var refused = await OutboundAddress.ResolveAsync("localhost", allowPrivateNetworks: false);
        var allowed = await OutboundAddress.ResolveAsync("localhost", allowPrivateNetworks: true);

        Assert.StartsWith("localhost resolves to ", refused.Refusal);
        Assert.EndsWith("a loopback address", refused.Refusal);
        Assert.True(allowed.Allowed);
        Assert.All(allowed.Addresses, a => Assert.Equal(OutboundAddressKind.Loopback, OutboundAddress.Classify(a)));
    }

    [Fact]
    public async Task ResolveAsync_MetadataNameEvenWithPrivateNetworks_Refused()
    {
        var result = await OutboundAddress.ResolveAsync("metadata.internal", allowPrivateNetworks: true,
            resolve: (_, _) => Task.FromResult(new[] { IPAddress.Parse("169.254.169.254") }));

        Assert.Equal("metadata.internal resolves to 169.254.169.254, a cloud metadata address", result.Refusal);
    }

    [Fact]
    public async Task ResolveAsync_UnknownSlowOrEmptyName_Refused()
    {
        var unknown = await OutboundAddress.ResolveAsync("nowhere.example", false, resolve: (_, _) => throw new SocketException((int)SocketError.HostNotFound));
        var slow = await OutboundAddress.ResolveAsync("slow.example", false, TimeSpan.FromMilliseconds(100),
            resolve: async (_, ct) =>
            {
                await Task.Delay(TimeSpan.FromSeconds(30), ct);
                return [IPAddress.Parse("203.0.113.7")];
            });
        var empty = await OutboundAddress.ResolveAsync("empty.example", false, resolve: (_, _) => Task.FromResult(Array.Empty<IPAddress>()));

        Assert.Equal("nowhere.example could not be resolved (HostNotFound)", unknown.Refusal);
        Assert.Equal("slow.example did not resolve within 0.1 s", slow.Refusal);
        Assert.Equal("empty.example has no address", empty.Refusal);
    }
}
