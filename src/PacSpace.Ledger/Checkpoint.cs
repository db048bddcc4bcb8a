using System.Globalization;
using System.Text;

namespace PacSpace.Ledger;

/// <summary>
/// A C2SP tlog-checkpoint: the log's origin, its size and its Merkle root.
/// </summary>
/// <remarks>
/// <para>
/// This is the statement a log signs (see <see cref="SignedNote"/>) and that clients and
/// witnesses compare, so its text form must be byte-exact: <see cref="ToNoteBody"/> and
/// <see cref="TryParse"/> are inverses, and parsing is strict (canonical decimal, canonical
/// base64) so that one checkpoint has exactly one encoding.
/// </para>
/// <para>
/// Extension lines are not supported: <see cref="TryParse"/> rejects bodies that carry any,
/// because this type could not re-encode them and would silently drop signed content.
/// </para>
/// <para>
/// Equality compares the root hash by value, and the root is copied on the way in and on
/// the way out so a checkpoint cannot be altered after it has been checked.
/// </para>
/// </remarks>
public sealed record Checkpoint(string Origin, long Size, byte[] RootHash)
{
    /// <summary>The log's unique name; non-empty, single line, because it is the first line of the note.</summary>
    public string Origin { get; init => field = ValidateOrigin(value); } = ValidateOrigin(Origin);

    /// <summary>Number of leaves in the tree the root commits to.</summary>
    public long Size { get; init => field = ValidateSize(value); } = ValidateSize(Size);

    /// <summary>The 32-byte RFC 6962 root (a copy).</summary>
    public byte[] RootHash
    {
        get => (byte[])field.Clone();
        init => field = ValidateRoot(value);
    } = ValidateRoot(RootHash);

    /// <summary>
    /// Encodes the checkpoint as the note body that gets signed:
    /// origin, decimal size and base64 root, each followed by a newline.
    /// </summary>
    public string ToNoteBody()
    {
        var builder = new StringBuilder();
        builder.Append(Origin).Append('\n');
        builder.Append(Size.ToString(CultureInfo.InvariantCulture)).Append('\n');
        builder.Append(Convert.ToBase64String(RootHash)).Append('\n');
        return builder.ToString();
    }

    /// <summary>
    /// Parses a note body produced by <see cref="ToNoteBody"/> (or any other tlog-checkpoint
    /// writer that emits no extension lines).
    /// </summary>
    /// <remarks>
    /// Parse only bodies whose signature has been verified: the body is otherwise just a claim.
    /// </remarks>
    /// <returns><see langword="false"/>, never an exception, for anything that is not exactly one canonical checkpoint.</returns>
    public static bool TryParse(string? body, out Checkpoint? cp)
    {
        cp = null;
        if (body is null || !body.EndsWith('\n'))
        {
            return false;
        }

        var lines = body[..^1].Split('\n');
        if (lines.Length != 3)
        {
            return false;
        }

        var origin = lines[0];
        if (!IsValidOrigin(origin) || !TryParseSize(lines[1], out var size) || !TryParseRoot(lines[2], out var root))
        {
            return false;
        }

        cp = new Checkpoint(origin, size, root);
        return true;
    }

    /// <summary>Compares all fields, including the root hash by content rather than by reference.</summary>
    public bool Equals(Checkpoint? other) =>
        other is not null
        && string.Equals(Origin, other.Origin, StringComparison.Ordinal)
        && Size == other.Size
        && RootHash.AsSpan().SequenceEqual(other.RootHash);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Origin, StringComparer.Ordinal);
        hash.Add(Size);
        hash.AddBytes(RootHash);
        return hash.ToHashCode();
    }

    // Shows the root as hex; the default would print "System.Byte[]".
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Origin = ").Append(Origin)
            .Append(", Size = ").Append(Size.ToString(CultureInfo.InvariantCulture))
            .Append(", RootHash = ").Append(Hex.Encode(RootHash));
        return true;
    }

    private static bool IsValidOrigin(string origin) =>
        origin.Length > 0 && !origin.Contains('\n') && !origin.Contains('\r');

    private static string ValidateOrigin(string origin)
    {
        ArgumentNullException.ThrowIfNull(origin);
        if (!IsValidOrigin(origin))
        {
            throw new ArgumentException("Origin must be a non-empty single line.", nameof(origin));
        }

        return origin;
    }

    private static long ValidateSize(long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        return size;
    }

    private static byte[] ValidateRoot(byte[] root)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (root.Length != MerkleTree.HashSize)
        {
            throw new ArgumentException($"Root hash must be {MerkleTree.HashSize} bytes.", nameof(root));
        }

        return (byte[])root.Clone();
    }

    // ASCII digits only, no sign, no leading zeros: one size, one spelling.
    private static bool TryParseSize(string text, out long size)
    {
        size = 0;
        if (text.Length == 0 || (text.Length > 1 && text[0] == '0'))
        {
            return false;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out size);
    }

    // Convert.TryFromBase64String tolerates whitespace and stray padding bits; re-encoding rejects both.
    private static bool TryParseRoot(string text, out byte[] root)
    {
        root = [];
        Span<byte> buffer = stackalloc byte[MerkleTree.HashSize + 3];
        if (!Convert.TryFromBase64String(text, buffer, out var written) || written != MerkleTree.HashSize)
        {
            return false;
        }

        var decoded = buffer[..written].ToArray();
        if (!string.Equals(Convert.ToBase64String(decoded), text, StringComparison.Ordinal))
        {
            return false;
        }

        root = decoded;
        return true;
    }
}
