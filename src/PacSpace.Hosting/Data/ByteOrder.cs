using System.Text;

namespace PacSpace.Hosting.Data;

/// <summary>
/// Text in the order of its UTF-8 bytes (code point order) on both engines: SQLite compares text that way (BINARY), and
/// PostgreSQL does under <c>COLLATE "C"</c> whatever the database's collation. Keyset pages and prefix searches over text
/// keys use it, so that a page ends exactly where the next begins and a prefix is one range of an index.
/// </summary>
public static class ByteOrder
{
    /// <summary>What follows a text column or parameter in SQL to compare and sort it in byte order.</summary>
    public static string Collate(DbProvider provider) => provider == DbProvider.Postgres ? " COLLATE \"C\"" : "";

    /// <summary>
    /// The upper bound (exclusive) of every text that starts with <paramref name="prefix"/>: the prefix and the highest code
    /// point. A text whose next character after the prefix is that noncharacter itself falls outside; none is expected.
    /// </summary>
    public static string PrefixEnd(string prefix) => prefix + "\U0010FFFF";

    /// <summary>Compares as the engines do under <see cref="Collate"/>: by code point (UTF-16 code units differ for surrogates).</summary>
    public static IComparer<string> Comparer { get; } = Comparer<string>.Create(Compare);

    public static int Compare(string? a, string? b)
    {
        if (a is null || b is null)
        {
            return a is null ? (b is null ? 0 : -1) : 1;
        }

        var x = a.EnumerateRunes();
        var y = b.EnumerateRunes();
        while (true)
        {
            var hasX = x.MoveNext();
            var hasY = y.MoveNext();
            if (!hasX || !hasY)
            {
                return hasX ? 1 : hasY ? -1 : 0;
            }

            var c = x.Current.Value.CompareTo(y.Current.Value);
            if (c != 0)
            {
                return c;
            }
        }
    }
}
