using System.Data.Common;
using Dapper;

namespace PacSpace.Plane.Features.Deltas;

/// <summary>The head signer's side of <c>deltas</c>: the committed deltas that no signed head covers yet.</summary>
internal static partial class DeltaStore
{
    /// <summary>An appended entry, as the head signer hashes it into the log.</summary>
    public sealed class UnsignedEntry
    {
        public long LogIndex { get; set; }

        public long CustomerSeq { get; set; }

        public long? PrevIndex { get; set; }

        public long BalanceAfter { get; set; }

        public long RecordedAt { get; set; }

        public byte[] ContentHash { get; set; } = [];
    }

    /// <summary>The log's deltas at indexes <c>[from, to)</c>, in log order, at most <paramref name="limit"/> (record entries are in <c>record_entries</c>).</summary>
    public static async Task<List<UnsignedEntry>> EntriesFromAsync(DbConnection connection, long ledgerNo, long from, long to, int limit, CancellationToken ct) =>
        (await connection.QueryAsync<UnsignedEntry>(new CommandDefinition(
            """
            SELECT log_index, customer_seq, prev_index, balance_after, recorded_at, content_hash FROM deltas
            WHERE ledger_no = @ledgerNo AND log_index >= @from AND log_index < @to ORDER BY log_index LIMIT @limit
            """, new { ledgerNo, from, to, limit }, cancellationToken: ct))).ToList();
}
