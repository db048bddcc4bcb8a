using Microsoft.Extensions.Options;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Ledger;
using PacSpace.Plane.Features.Keys;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Records;

/// <summary>
/// A record's entries with a seq in <c>[fromSeq, toSeq]</c> (both inclusive, from 0; <c>toSeq</c> open when left out), one page,
/// as the <c>record-history-bundle/v1</c> the official client reads un-enveloped: <c>entries</c> (every entry of the page:
/// seq, lower-case status, receipt id), <c>receipts</c> (the committed ones, each a full receipt with its proof) and
/// <c>pendingEntries</c> (the queued ones). When entries beyond the page remain in the range, the answer says where to go on
/// (<see cref="History.NextFromSeq"/>, sent as <c>X-Next-From-Seq</c>).
/// </summary>
internal sealed class GetRecordHistory(Database db, EntryIds ids, IOptions<PlaneOptions> options)
{
    public const string Schema = "record-history-bundle/v1";

    public sealed record Input(string RecordType, string EntityId, long FromSeq, long? ToSeq, int? Limit);

    /// <summary>One entry of the page, as <c>records.check</c> lists it.</summary>
    public sealed record EntryView(long Seq, string Status, string ReceiptId, string Lifecycle, string ContentHash, DateTimeOffset RecordedAt);

    /// <summary>A queued entry: stored, not yet covered by a signed head (no proof yet).</summary>
    public sealed record PendingView(long Seq, string Status, string ReceiptId, string Lifecycle, string ContentHash, DateTimeOffset RecordedAt,
        System.Text.Json.JsonElement RecordContent);

    public sealed record Bundle(
        string Schema,
        string RecordKey,
        string RecordType,
        string EntityId,
        string Environment,
        long FromSeq,
        long? ToSeq,
        IReadOnlyList<EntryView> Entries,
        IReadOnlyList<RecordViews.ReceiptView> Receipts,
        IReadOnlyList<PendingView> PendingEntries);

    /// <param name="NextFromSeq">Where the next page starts, when entries of the range are left.</param>
    public sealed record History(Bundle Bundle, long? NextFromSeq);

    public async Task<Result<History>> HandleAsync(ApiCaller caller, Input input, CancellationToken ct)
    {
        var env = options.Value.EnvironmentName;
        var page = Math.Min(input.Limit ?? options.Value.RecordHistoryPage, options.Value.RecordHistoryPage);
        var toSeq = input.ToSeq ?? long.MaxValue;
        await using var c = await db.OpenAsync(ct);
        var ledger = await TenantLedgerStore.PublicLogAsync(c, caller.TenantId, ct);
        var scope = ledger is null ? null : await TenantLedgerStore.ScopeAsync(c, ids, caller.TenantId, ct);
        var keyHash = RecordKey.Hash(caller.TenantId, env, input.RecordType, input.EntityId);
        if (scope is null || await RecordStore.FindAsync(c, null, scope.LedgerNo, keyHash, ct) is not long recordNo)
        {
            return new Error(404, ErrorCodes.NotFound, "No record with this recordType and entityId exists for your account in this environment.");
        }

        // One more than the page tells whether the range goes on.
        var rows = await RecordStore.RangeAsync(c, recordNo, input.FromSeq, toSeq, page + 1, ct);
        long? next = rows.Count > page ? rows[page].Seq : null;
        rows = rows.Take(page).ToList();
        var entries = new List<EntryView>(rows.Count);
        var receipts = new List<RecordViews.ReceiptView>();
        var pending = new List<PendingView>();
        foreach (var row in rows)
        {
            var receipt = await RecordViews.ReceiptAsync(c, ids, row, ledger!, env, ct);
            entries.Add(new EntryView(row.Seq, receipt.Status, receipt.ReceiptId, receipt.Lifecycle, receipt.ContentHash, receipt.RecordedAt));
            if (receipt.Status == RecordViews.Committed)
            {
                receipts.Add(receipt);
            }
            else
            {
                pending.Add(new PendingView(row.Seq, receipt.Status, receipt.ReceiptId, receipt.Lifecycle, receipt.ContentHash, receipt.RecordedAt, receipt.RecordContent));
            }
        }

        return new History(new Bundle(Schema, RecordKey.Format(keyHash), input.RecordType, input.EntityId, env, input.FromSeq, input.ToSeq, entries, receipts, pending), next);
    }
}
