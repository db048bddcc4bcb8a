using System.Data.Common;
using Dapper;

namespace PacSpace.ControlPlane.Jobs;

/// <summary>The claim every job makes, the same on SQLite and on PostgreSQL with many replicas.</summary>
internal static class Leases
{
    /// <summary>
    /// Reads the due candidates, then takes each with one conditional UPDATE (<paramref name="take"/>): only the
    /// runner whose UPDATE changed the row holds it, so two replicas never run the same item at once.
    /// </summary>
    /// <returns>The items this runner won, as <paramref name="won"/> makes them from the candidate rows.</returns>
    public static async Task<IReadOnlyList<TItem>> ClaimAsync<TRow, TItem>(
        DbConnection connection,
        CommandDefinition candidates,
        Func<TRow, CommandDefinition> take,
        Func<TRow, TItem> won)
    {
        var rows = (await connection.QueryAsync<TRow>(candidates)).ToList();
        var claimed = new List<TItem>(rows.Count);
        foreach (var row in rows)
        {
            if (await connection.ExecuteAsync(take(row)) == 1)
            {
                claimed.Add(won(row));
            }
        }

        return claimed;
    }

    /// <summary>The expiry of a lease taken <paramref name="now"/>, in the time columns' unit (Unix ms).</summary>
    public static long Until(long now, TimeSpan duration) => now + (long)duration.TotalMilliseconds;
}
