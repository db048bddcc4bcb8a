namespace PacSpace.Hosting.Data;

/// <summary>
/// Prefixed, time-ordered identifiers (<c>usr_…</c>, <c>tnt_…</c>, <c>ctr_…</c>): a UUIDv7 written in
/// lowercase Crockford base32, so ids sort by creation time and say what they name.
/// </summary>
public static class Ids
{
    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    public static string New(string prefix, TimeProvider time)
    {
        Span<byte> bytes = stackalloc byte[16];
        Guid.CreateVersion7(time.GetUtcNow()).TryWriteBytes(bytes, bigEndian: true, out _);
        return Format(prefix, bytes);
    }

    /// <summary>An id of 128 bits given by the caller (16 bytes), in the same shape as <see cref="New"/>.</summary>
    public static string Format(string prefix, ReadOnlySpan<byte> bytes)
    {
        Span<char> chars = stackalloc char[Length(prefix)];
        return new string(chars[..FormatInto(prefix, bytes, chars)]);
    }

    /// <summary>Length of an id with this prefix: the prefix, '_' and 26 digits.</summary>
    public static int Length(string prefix) => prefix.Length + 27;

    /// <summary>Writes the id <see cref="Format"/> makes into <paramref name="chars"/> (at least <see cref="Length"/> long) and returns its length.</summary>
    public static int FormatInto(string prefix, ReadOnlySpan<byte> bytes, Span<char> chars)
    {
        prefix.CopyTo(chars);
        chars[prefix.Length] = '_';
        // 128 bits → 26 base32 digits (the first carries 3 bits).
        var hi = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes);
        var lo = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[8..16]);
        var digits = chars.Slice(prefix.Length + 1, 26);
        for (var i = 25; i >= 0; i--)
        {
            digits[i] = Alphabet[(int)(lo & 31)];
            lo = (lo >> 5) | (hi << 59);
            hi >>= 5;
        }

        return Length(prefix);
    }

    /// <summary>The 128 bits of an id in the shape <see cref="Format"/> writes; false for anything else.</summary>
    public static bool TryDecode(string? id, string prefix, Span<byte> bytes)
    {
        if (!IsValid(id, prefix) || Alphabet.IndexOf(id![prefix.Length + 1], StringComparison.Ordinal) > 7)
        {
            return false;
        }

        ulong hi = 0, lo = 0;
        foreach (var c in id.AsSpan(prefix.Length + 1))
        {
            var v = (ulong)Alphabet.IndexOf(c, StringComparison.Ordinal);
            hi = (hi << 5) | (lo >> 59);
            lo = (lo << 5) | v;
        }

        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes, hi);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes[8..16], lo);
        return true;
    }

    /// <summary>True for the shape <see cref="New"/> produces, so foreign input never reaches a query unchecked.</summary>
    public static bool IsValid(string? id, string prefix)
    {
        if (id is null || id.Length != prefix.Length + 27 || !id.StartsWith(prefix + "_", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in id.AsSpan(prefix.Length + 1))
        {
            if (!Alphabet.Contains(c))
            {
                return false;
            }
        }

        return true;
    }
}
