using System.Data.Common;
using PacSpace.Contracts.Reads;
using PacSpace.Plane.Features.Deltas;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.LedgerReads;

/// <summary>A page of deltas newest first, as the read routes answer it: a range of the log, of one customer or all of them.</summary>
internal static class DeltaPages
{
    /// <summary>
    /// The deltas at log indexes <c>[from, to)</c> newest first, at most <paramref name="limit"/>, and the cursor of the page
    /// after (the index below which it goes on) when more of the range remain.
    /// </summary>
    public static async Task<DeltaList> NewestFirstAsync(DbConnection connection, LogScope log, string? customerId, long from, long to, int limit, CancellationToken ct)
    {
        var rows = await DeltaStore.NewestInRangeAsync(connection, log, customerId, from, to, limit + 1, ct);
        var page = rows.Take(limit).Select(View).ToList();
        return new DeltaList(page, rows.Count > limit ? ReadCursor.Of(page[^1].LogIndex) : null);
    }

    public static LedgerDelta View(DeltaRow d) => new(d.RecordId, d.ReceiptId, d.CustomerId, d.Amount, d.Reason, d.ReferenceId, d.Status, d.LogIndex,
        d.CustomerSeq, d.BalanceAfter, DateTimeOffset.FromUnixTimeMilliseconds(d.RecordedAt),
        d.Status == DeltaStatus.Verified ? GetDelta.VerifyUrlOf(d.ReceiptId) : null);
}
