using System.Data.Common;
using Dapper;
using PacSpace.Ledger;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Deltas;

/// <summary>The head signer's side of <c>deltas</c>: the committed deltas that no signed head covers yet.</summary>
internal static partial class DeltaStore
{
    /// <summary>
    /// The log's deltas at indexes <c>[from, to)</c>, in log order, at most <paramref name="limit"/> (record entries are in
    /// <c>record_entries</c>), each as its place, time and leaf hash. Read column by column, without a row object or boxed values:
    /// the head signer reads every delta once.
    /// </summary>
    public static async Task<List<LogEntries.Unsigned>> EntriesFromAsync(DbConnection connection, long ledgerNo, long from, long to, int limit, CancellationToken ct)
    {
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
            """
            SELECT log_index, customer_seq, prev_index, balance_after, recorded_at, content_hash FROM deltas
            WHERE ledger_no = @ledgerNo AND log_index >= @from AND log_index < @to ORDER BY log_index LIMIT @limit
            """, new { ledgerNo, from, to, limit }, cancellationToken: ct));
        var entries = new List<LogEntries.Unsigned>((int)Math.Min(limit, Math.Max(0, to - from)));
        while (await reader.ReadAsync(ct))
        {
            entries.Add(Entry(reader));
        }

        return entries;
    }

    // The hash is read whole (GetBytes with an offset would open SQLite's incremental blob I/O, far dearer for 32 bytes).
    private static LogEntries.Unsigned Entry(DbDataReader reader)
    {
        var recordedAt = reader.GetInt64(4);
        return new LogEntries.Unsigned(reader.GetInt64(0), recordedAt,
            LeafEntry.LeafHashOf(recordedAt, reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetInt64(2), reader.GetInt64(3), reader.GetFieldValue<byte[]>(5)));
    }
}
