using System.Net;
using System.Net.Sockets;

namespace PacSpace.Hosting.Web;

/// <summary>What an address is, as a destination of a call made on a tenant's behalf (a webhook delivery).</summary>
public enum OutboundAddressKind
{
    /// <summary>A routable public address.</summary>
    Public,

    /// <summary>10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10 (shared address space), fc00::/7 (unique local), fec0::/10 (old site-local).</summary>
    Private,

    /// <summary>127.0.0.0/8 and ::1.</summary>
    Loopback,

    /// <summary>0.0.0.0/8 and ::. A connection to it reaches the local machine on most systems.</summary>
    Unspecified,

    /// <summary>169.254.0.0/16 and fe80::/10, where cloud credential and time services listen besides the metadata address.</summary>
    LinkLocal,

    /// <summary>A cloud instance-metadata address: 169.254.169.254, fd00:ec2::254 (AWS over IPv6), 100.100.100.200 (Alibaba Cloud).</summary>
    Metadata,

    /// <summary>Multicast, broadcast and reserved space (224.0.0.0/3, ff00::/8): not one host.</summary>
    NotUnicast,
}

/// <summary>The result of resolving a host for an outbound call: its addresses, and why it may not be called (null when it may).</summary>
public sealed record OutboundHost(string Host, IReadOnlyList<IPAddress> Addresses, string? Refusal)
{
    public bool Allowed => Refusal is null;
}

/// <summary>
/// Which addresses a server may call on a tenant's behalf, so that a URL a tenant gives (a webhook endpoint) cannot
/// reach the network the server runs in. Public addresses are allowed; loopback and private ranges only where the
/// installation allows private networks (a local install whose receivers run on the same machine); link-local,
/// metadata, unspecified and non-unicast addresses never. IPv6 forms that carry an IPv4 address (IPv4-mapped,
/// IPv4-compatible, NAT64 64:ff9b::/96, 6to4 2002::/16) are judged by that IPv4 address.
/// </summary>
/// <remarks>
/// Checking a URL when it is saved is not enough: its name may resolve elsewhere when it is called (DNS rebinding).
/// A caller checks the address it actually connects to with <see cref="Refusal(IPAddress, bool)"/>, for example in a
/// <c>SocketsHttpHandler.ConnectCallback</c> that resolves with <see cref="ResolveAsync"/> and connects only to an
/// address it returned.
/// </remarks>
public static class OutboundAddress
{
    /// <summary>How long <see cref="ResolveAsync"/> waits for a name when the caller gives no timeout.</summary>
    public static readonly TimeSpan DefaultResolveTimeout = TimeSpan.FromSeconds(3);

    public static OutboundAddressKind Classify(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> v4 = stackalloc byte[4];
            address.TryWriteBytes(v4, out _);
            return ClassifyV4(v4);
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return OutboundAddressKind.NotUnicast;
        }

        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);
        if (b[..12].IndexOfAnyExcept((byte)0) < 0)
        {
            // ::1 is loopback; :: reads as 0.0.0.0 (unspecified); anything else is IPv4-compatible ::a.b.c.d.
            return b[12..15].IndexOfAnyExcept((byte)0) < 0 && b[15] == 1 ? OutboundAddressKind.Loopback : ClassifyV4(b[12..]);
        }

        if (b[..10].IndexOfAnyExcept((byte)0) < 0 && b[10] == 0xff && b[11] == 0xff)
        {
            return ClassifyV4(b[12..]); // IPv4-mapped ::ffff:a.b.c.d
        }

        if (b[..12].SequenceEqual(Nat64Prefix))
        {
            return ClassifyV4(b[12..]);
        }

        if (b[0] == 0x20 && b[1] == 0x02)
        {
            return ClassifyV4(b[2..6]); // 6to4: 2002:AABB:CCDD::/48 reaches a.b.c.d through a relay
        }

        if (b.SequenceEqual(AwsMetadataV6))
        {
            return OutboundAddressKind.Metadata;
        }

        if (b[0] == 0xff)
        {
            return OutboundAddressKind.NotUnicast;
        }

        if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
        {
            return OutboundAddressKind.LinkLocal;
        }

        return (b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0)
            ? OutboundAddressKind.Private
            : OutboundAddressKind.Public;
    }

    /// <summary>Whether an address of <paramref name="kind"/> may be called.</summary>
    public static bool IsAllowed(OutboundAddressKind kind, bool allowPrivateNetworks) => kind switch
    {
        OutboundAddressKind.Public => true,
        OutboundAddressKind.Private or OutboundAddressKind.Loopback => allowPrivateNetworks,
        _ => false,
    };

    public static bool IsAllowed(IPAddress address, bool allowPrivateNetworks) => IsAllowed(Classify(address), allowPrivateNetworks);

    /// <summary>Why <paramref name="address"/> may not be called (<c>"127.0.0.1 is a loopback address"</c>), or null when it may.</summary>
    public static string? Refusal(IPAddress address, bool allowPrivateNetworks)
    {
        var kind = Classify(address);
        return IsAllowed(kind, allowPrivateNetworks) ? null : $"{address} is {Describe(kind)}";
    }

    /// <summary>What an address of <paramref name="kind"/> is, in words (<c>"a loopback address"</c>).</summary>
    public static string Describe(OutboundAddressKind kind) => kind switch
    {
        OutboundAddressKind.Private => "a private network address",
        OutboundAddressKind.Loopback => "a loopback address",
        OutboundAddressKind.Unspecified => "the unspecified address",
        OutboundAddressKind.LinkLocal => "a link-local address",
        OutboundAddressKind.Metadata => "a cloud metadata address",
        OutboundAddressKind.NotUnicast => "a multicast, broadcast or reserved address",
        _ => "a public address",
    };

    /// <summary>
    /// Resolves <paramref name="host"/> (a name, an IPv4 address, or an IPv6 address with or without brackets) and
    /// checks every address it gives: one that may not be called refuses the host, since a later resolution may pick it.
    /// A name that does not resolve, or not within <paramref name="timeout"/>, is refused too.
    /// </summary>
    /// <param name="resolve">Resolves a name; default <see cref="Dns.GetHostAddressesAsync(string, CancellationToken)"/>.</param>
    public static async Task<OutboundHost> ResolveAsync(string host, bool allowPrivateNetworks, TimeSpan? timeout = null,
        Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        var bare = host.Length > 1 && host[0] == '[' && host[^1] == ']' ? host[1..^1] : host;
        if (IPAddress.TryParse(bare, out var literal))
        {
            return new OutboundHost(host, [literal], Refusal(literal, allowPrivateNetworks));
        }

        IPAddress[] addresses;
        var limit = timeout ?? DefaultResolveTimeout;
        try
        {
            // WaitAsync bounds the wait even where the system resolver cannot be cancelled.
            addresses = await (resolve ?? Dns.GetHostAddressesAsync)(bare, cancellationToken).WaitAsync(limit, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return new OutboundHost(host, [], $"{bare} did not resolve within {limit.TotalSeconds:0.#} s");
        }
        catch (SocketException ex)
        {
            return new OutboundHost(host, [], $"{bare} could not be resolved ({ex.SocketErrorCode})");
        }
        catch (ArgumentException)
        {
            return new OutboundHost(host, [], $"{bare} is not a valid host name");
        }

        if (addresses.Length == 0)
        {
            return new OutboundHost(host, [], $"{bare} has no address");
        }

        foreach (var address in addresses)
        {
            var kind = Classify(address);
            if (!IsAllowed(kind, allowPrivateNetworks))
            {
                return new OutboundHost(host, addresses, $"{bare} resolves to {address}, {Describe(kind)}");
            }
        }

        return new OutboundHost(host, addresses, null);
    }

    private static readonly byte[] Nat64Prefix = [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0];

    private static readonly byte[] AwsMetadataV6 = [0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54];

    private static OutboundAddressKind ClassifyV4(ReadOnlySpan<byte> a) => a[0] switch
    {
        0 => OutboundAddressKind.Unspecified,
        10 => OutboundAddressKind.Private,
        127 => OutboundAddressKind.Loopback,
        169 when a[1] == 254 => a[2] == 169 && a[3] == 254 ? OutboundAddressKind.Metadata : OutboundAddressKind.LinkLocal,
        172 when (a[1] & 0xf0) == 16 => OutboundAddressKind.Private,
        192 when a[1] == 168 => OutboundAddressKind.Private,
        100 when (a[1] & 0xc0) == 64 => a[1] == 100 && a[2] == 100 && a[3] == 200 ? OutboundAddressKind.Metadata : OutboundAddressKind.Private,
        >= 224 => OutboundAddressKind.NotUnicast,
        _ => OutboundAddressKind.Public,
    };
}
