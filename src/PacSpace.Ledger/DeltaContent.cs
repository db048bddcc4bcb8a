using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PacSpace.Ledger;

/// <summary>
/// What a delta says, without anything the server assigns (time, sequence, balance), so a client can compute
/// the content hash before sending: <c>contentHash = SHA-256("pacspace-delta/v1\n" ‖ JCS(canonical delta))</c>
/// with the canonical delta <c>{v:1, tenant, env, customerId, amount, reason, referenceId, metadata}</c>.
/// <c>amount</c> is the int64 as a decimal string; an absent <c>referenceId</c> or <c>metadata</c> is <c>null</c>.
/// </summary>
public sealed record DeltaContent(string Tenant, string Env, string CustomerId, long Amount, string Reason, string? ReferenceId, JsonElement? Metadata)
{
    /// <summary>Domain separation: a content hash can never be confused with another SHA-256 in the system.</summary>
    public static ReadOnlySpan<byte> HashPrefix => "pacspace-delta/v1\n"u8;

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
        return HashCanonical(output.WrittenSpan);
    }

    // Enough for every string escaped at its worst (\u00XX, 6 bytes for one UTF-16 unit) and the largest amount.
    private int Bound() => 160 + (6 * (Tenant.Length + Env.Length + CustomerId.Length + Reason.Length + (ReferenceId?.Length ?? 0)))
        + (Metadata is null ? 0 : MaxMetadataBytes);

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

        // Member names sorted by UTF-16 code units, as RFC 8785 orders them.
        output.Write("{\"amount\":"u8);
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
        output.Write(",\"v\":1}"u8);
    }

    /// <summary>The content hash of canonical bytes already at hand.</summary>
    public static byte[] HashCanonical(ReadOnlySpan<byte> canonical)
    {
        var length = HashPrefix.Length + canonical.Length;
        var rented = length <= 1024 ? null : ArrayPool<byte>.Shared.Rent(length);
        var input = rented is null ? stackalloc byte[length] : rented.AsSpan(0, length);
        HashPrefix.CopyTo(input);
        canonical.CopyTo(input[HashPrefix.Length..]);
        var hash = SHA256.HashData(input);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return hash;
    }

    /// <summary>Reads a delta back from its canonical JSON (as a counterparty holds it).</summary>
    /// <exception cref="JcsException">Not a version-1 canonical delta.</exception>
    public static DeltaContent Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            var root = document.RootElement;
            if (root.GetProperty("v").GetInt32() != 1)
            {
                throw new JcsException("Only version 1 deltas are known.");
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
                metadata.ValueKind == JsonValueKind.Null ? null : metadata.Clone());
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
