using System.Data.Common;
using PacSpace.Ledger;
using PacSpace.Plane.Features.Deltas;
using PacSpace.Plane.Features.Records;

namespace PacSpace.Plane.Log;

/// <summary>
/// A log's entries of both kinds, in log order, as the head signer hashes them: deltas (type 0x01, <c>deltas</c>) and
/// record entries (type 0x02, <c>record_entries</c>) share one sequence of indexes, taken from one append point.
/// </summary>
internal static class LogEntries
{
    /// <summary>One committed entry: its place, when it was appended, and its leaf hash.</summary>
    public readonly record struct Unsigned(long LogIndex, long RecordedAt, byte[] LeafHash);

    /// <summary>
    /// The first <paramref name="limit"/> entries at indexes <c>[from, to)</c>, in log order. <paramref name="to"/> is the
    /// append point read before: every index below it is committed, so both reads see the same prefix, however appends go on.
    /// </summary>
    public static async Task<List<Unsigned>> FromAsync(DbConnection connection, long ledgerNo, long from, long to, int limit, CancellationToken ct)
    {
        // Each kind's first `limit` entries hold the first `limit` of both together.
        var deltas = await DeltaStore.EntriesFromAsync(connection, ledgerNo, from, to, limit, ct);
        var records = await RecordStore.EntriesFromAsync(connection, ledgerNo, from, to, limit, ct);
        if (records.Count == 0)
        {
            return deltas;
        }

        return deltas.Concat(records.Select(e => new Unsigned(e.LogIndex, e.RecordedAt, e.Entry().LeafHash())))
            .OrderBy(e => e.LogIndex)
            .Take(limit)
            .ToList();
    }
}
