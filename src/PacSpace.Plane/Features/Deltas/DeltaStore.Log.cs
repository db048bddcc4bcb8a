using System.Data.Common;
using Dapper;

namespace PacSpace.Plane.Features.Deltas;

/// <summary>The head signer's side of <c>deltas</c>: the committed entries that no signed head covers yet.</summary>
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

    /// <summary>The log's entries from <paramref name="from"/> on, in log order, at most <paramref name="limit"/>.</summary>
    public static async Task<List<UnsignedEntry>> EntriesFromAsync(DbConnection connection, long ledgerNo, long from, int limit, CancellationToken ct) =>
        (await connection.QueryAsync<UnsignedEntry>(new CommandDefinition(
            """
            SELECT log_index, customer_seq, prev_index, balance_after, recorded_at, content_hash FROM deltas
            WHERE ledger_no = @ledgerNo AND log_index >= @from ORDER BY log_index LIMIT @limit
            """, new { ledgerNo, from, limit }, cancellationToken: ct))).ToList();
}
