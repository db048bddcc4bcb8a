using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PacSpace.Ledger;

/// <summary>
/// What a delta says, without anything the server assigns (time, sequence, balance), so a client can compute
/// the content hash before sending: <c>contentHash = SHA-256("pacspace-delta/v&lt;v&gt;\n" ‖ JCS(canonical delta))</c>.
/// Content version 1, for a delta that adjusts nothing: <c>{v:1, tenant, env, customerId, amount, reason, referenceId, metadata}</c>.
/// Content version 2, for a delta that adjusts another (<see cref="Adjusts"/>): the same members with <c>v:2</c> and
/// <c>adjusts</c> as sent (<c>{"referenceId":"…"}</c> or <c>{"recordId":"…"}</c>), hashed under <c>"pacspace-delta/v2\n"</c>.
/// <c>amount</c> is the int64 as a decimal string; an absent <c>referenceId</c> or <c>metadata</c> is <c>null</c>.
/// </summary>
/// <remarks>
/// Deltas recorded before content version 2 existed keep their version 1 hash even when they carried an adjusts: their
/// content is built without <see cref="Adjusts"/>, which their hash does not cover.
/// </remarks>
public sealed record DeltaContent(string Tenant, string Env, string CustomerId, long Amount, string Reason, string? ReferenceId, JsonElement? Metadata)
{
    /// <summary>Domain separation: a content hash can never be confused with another SHA-256 in the system. Version 1.</summary>
    public static ReadOnlySpan<byte> HashPrefix => "pacspace-delta/v1\n"u8;

    /// <summary>The domain separation prefix of content version 2.</summary>
    public static ReadOnlySpan<byte> HashPrefixV2 => "pacspace-delta/v2\n"u8;

    /// <summary>Content version 1: every delta recorded before version 2 existed, and every delta that adjusts nothing.</summary>
    public const int FirstVersion = 1;

    /// <summary>Content version 2: a delta that adjusts another, its <see cref="Adjusts"/> hashed with it.</summary>
    public const int AdjustsVersion = 2;

    /// <summary>The earlier delta this one corrects; when set, the content is version 2 and the hash covers it.</summary>
    public DeltaAdjusts? Adjusts { get; init; }

    /// <summary>The content version: 2 when the delta adjusts another, otherwise 1.</summary>
    public int Version => Adjusts is null ? FirstVersion : AdjustsVersion;

    /// <summary>The domain separation prefix of a content version.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An unknown version.</exception>
    public static ReadOnlySpan<byte> HashPrefixOf(int version) => version switch
    {
        FirstVersion => HashPrefix,
        AdjustsVersion => HashPrefixV2,
        _ => throw new ArgumentOutOfRangeException(nameof(version), version, "Only content versions 1 and 2 are known."),
    };

    /// <summary>The largest canonical metadata object accepted, in bytes.</summary>
    public const int MaxMetadataBytes = 4096;

    /// <summary>Why metadata cannot be part of a delta, or <see langword="null"/> when it can.</summary>
    /// <remarks>Numbers are refused (send them as strings): doubles do not survive every client's JSON library.</remarks>
    public static string? CheckMetadata(JsonElement metadata)
    {
        if (metadata.ValueKind != JsonValueKind.Object)
        {
            return "must be a JSON object";
        }

        if (FindNumber(metadata, "metadata") is { } path)
        {
            return $"must not contain numbers (send them as strings): {path}";
        }

        byte[] canonical;
        try
        {
            canonical = Jcs.Canonicalize(metadata);
        }
        catch (JcsException ex)
        {
            return ex.Message;
        }

        return canonical.Length > MaxMetadataBytes ? $"must be at most {MaxMetadataBytes} bytes as canonical JSON (is {canonical.Length})" : null;
    }

    /// <summary>The RFC 8785 bytes that are hashed (and worth storing, so nothing is ever re-canonicalized).</summary>
    /// <remarks>
    /// Written directly in canonical form (members in RFC 8785 order, strings with only the required escapes)
    /// rather than serialized and canonicalized again: this runs for every delta received.
    /// </remarks>
    public byte[] Canonical()
    {
        var output = new ArrayBufferWriter<byte>(Bound());
        Write(output);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>SHA-256 over the prefix and the canonical bytes.</summary>
    /// <remarks>The canonical bytes are written into a pooled buffer large enough for any content, hashed, and given back.</remarks>
    public byte[] ContentHash()
    {
        using var output = new PooledBufferWriter(Bound());
        Write(output);
        return HashCanonical(output.WrittenSpan, Version);
    }

    // Enough for every string escaped at its worst (\u00XX, 6 bytes for one UTF-16 unit) and the largest amount.
    private int Bound() => 160 + (6 * (Tenant.Length + Env.Length + CustomerId.Length + Reason.Length + (ReferenceId?.Length ?? 0)))
        + (Metadata is null ? 0 : MaxMetadataBytes) + (Adjusts?.Bound() ?? 0);

    private void Write(IBufferWriter<byte> output)
    {
        byte[]? metadata = null;
        if (Metadata is { } m)
        {
            if (CheckMetadata(m) is { } problem)
            {
                throw new JcsException("metadata " + problem);
            }

            metadata = Jcs.Canonicalize(m);
        }

        // Member names sorted by UTF-16 code units, as RFC 8785 orders them ("adjusts" before "amount").
        if (Adjusts is { } adjusts)
        {
            output.Write("{\"adjusts\":"u8);
            adjusts.Write(output);
            output.Write(",\"amount\":"u8);
        }
        else
        {
            output.Write("{\"amount\":"u8);
        }

        Span<char> amount = stackalloc char[20];
        Amount.TryFormat(amount, out var length, default, CultureInfo.InvariantCulture);
        Jcs.WriteString(amount[..length], output);
        output.Write(",\"customerId\":"u8);
        Jcs.WriteString(CustomerId, output);
        output.Write(",\"env\":"u8);
        Jcs.WriteString(Env, output);
        output.Write(",\"metadata\":"u8);
        output.Write(metadata ?? "null"u8);
        output.Write(",\"reason\":"u8);
        Jcs.WriteString(Reason, output);
        output.Write(",\"referenceId\":"u8);
        if (ReferenceId is null)
        {
            output.Write("null"u8);
        }
        else
        {
            Jcs.WriteString(ReferenceId, output);
        }

        output.Write(",\"tenant\":"u8);
        Jcs.WriteString(Tenant, output);
        output.Write(Adjusts is null ? ",\"v\":1}"u8 : ",\"v\":2}"u8);
    }

    /// <summary>The content hash of version 1 canonical bytes already at hand.</summary>
    public static byte[] HashCanonical(ReadOnlySpan<byte> canonical) => HashCanonical(canonical, FirstVersion);

    /// <summary>The content hash of canonical bytes of the given content version already at hand.</summary>
    public static byte[] HashCanonical(ReadOnlySpan<byte> canonical, int version)
    {
        var prefix = HashPrefixOf(version);
        var length = prefix.Length + canonical.Length;
        var rented = length <= 1024 ? null : ArrayPool<byte>.Shared.Rent(length);
        var input = rented is null ? stackalloc byte[length] : rented.AsSpan(0, length);
        prefix.CopyTo(input);
        canonical.CopyTo(input[prefix.Length..]);
        var hash = SHA256.HashData(input);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return hash;
    }

    /// <summary>Reads a delta back from its canonical JSON (as a counterparty holds it), content version 1 or 2.</summary>
    /// <remarks>
    /// A version 1 delta that names an <c>adjusts</c> is refused: its hash does not cover it, so nothing would prove it.
    /// A version 2 delta must name one.
    /// </remarks>
    /// <exception cref="JcsException">Not a canonical delta of a known content version.</exception>
    public static DeltaContent Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            var root = document.RootElement;
            var version = root.GetProperty("v").GetInt32();
            if (version is not (FirstVersion or AdjustsVersion))
            {
                throw new JcsException("Only version 1 and version 2 deltas are known.");
            }

            DeltaAdjusts? adjusts = null;
            var hasAdjusts = root.TryGetProperty("adjusts", out var adjustsJson);
            if (version == FirstVersion && hasAdjusts)
            {
                throw new JcsException("A version 1 delta has no adjusts: its content hash does not cover one. Remove it, or use the version 2 content the plane shows.");
            }

            if (version == AdjustsVersion && !(hasAdjusts && DeltaAdjusts.TryRead(adjustsJson, out adjusts)))
            {
                throw new JcsException("A version 2 delta names what it adjusts: adjusts must be {\"referenceId\": \"…\"} or {\"recordId\": \"…\"}.");
            }

            var amount = long.Parse(root.GetProperty("amount").GetString()!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            var reference = root.GetProperty("referenceId");
            var metadata = root.GetProperty("metadata");
            return new DeltaContent(
                root.GetProperty("tenant").GetString()!,
                root.GetProperty("env").GetString()!,
                root.GetProperty("customerId").GetString()!,
                amount,
                root.GetProperty("reason").GetString()!,
                reference.ValueKind == JsonValueKind.Null ? null : reference.GetString(),
                metadata.ValueKind == JsonValueKind.Null ? null : metadata.Clone())
            {
                Adjusts = adjusts,
            };
        }
        catch (Exception ex) when (ex is not JcsException && ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or OverflowException)
        {
            throw new JcsException("Not a canonical PacSpace delta: " + ex.Message, ex);
        }
    }

    private static string? FindNumber(JsonElement value, string path)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                return path;
            case JsonValueKind.Object:
                foreach (var p in value.EnumerateObject())
                {
                    if (FindNumber(p.Value, path + "." + p.Name) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (FindNumber(item, string.Create(CultureInfo.InvariantCulture, $"{path}[{i++}]")) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            default:
                return null;
        }
    }
}
