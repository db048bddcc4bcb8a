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
        Span<char> chars = stackalloc char[26];
        // 128 bits → 26 base32 digits (the first carries 3 bits).
        var hi = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes);
        var lo = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        for (var i = 25; i >= 0; i--)
        {
            chars[i] = Alphabet[(int)(lo & 31)];
            lo = (lo >> 5) | (hi << 59);
            hi >>= 5;
        }

        return prefix + "_" + new string(chars);
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
