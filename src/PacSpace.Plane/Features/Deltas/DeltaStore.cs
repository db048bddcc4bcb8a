using System.Data.Common;
using Dapper;
using PacSpace.Hosting.Data;
using PacSpace.Ledger;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Deltas;

/// <summary>
/// Owner of <c>deltas</c>: one append-only row per delta, keyed by its place in its tenant's log. This part: single-delta
/// reads by id. The group commit's appends are in <c>DeltaStore.Append.cs</c>, the head signer's reads in
/// <c>DeltaStore.Log.cs</c>, reads along customers' chains in <c>DeltaStore.Chains.cs</c> and reads of a log's windows in
/// <c>DeltaStore.Periods.cs</c>.
/// </summary>
internal static partial class DeltaStore
{
    /// <summary>One of the scope's deltas by record id; null when the tenant has no such record.</summary>
    public static async Task<DeltaRow?> FindAsync(DbConnection connection, LogScope scope, string recordId, CancellationToken ct)
    {
        var place = scope.Ids.PlaceOfRecord(recordId) ?? await LegacyPlaceAsync(connection, "record_id", recordId, ct);
        return place is { } p && p.LedgerNo == scope.LedgerNo ? await AtAsync(connection, scope, p.LogIndex, ct) : null;
    }

    /// <summary>
    /// Whether the scope's log holds a delta of this customer that <paramref name="adjusts"/> names: by its referenceId (the
    /// unique referenceId index) or by its record id (decrypted to its place, one primary-key seek; ids handed out before
    /// that through <c>legacy_ids</c>). Every stored delta counts, QUEUED or VERIFIED: a row is there only once committed.
    /// </summary>
    public static async Task<bool> HoldsAsync(DbConnection connection, LogScope scope, string customerId, DeltaAdjusts adjusts, CancellationToken ct)
    {
        if (scope.LedgerNo < 0)
        {
            return false;
        }

        if (!adjusts.ByRecordId)
        {
            return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                """
                SELECT 1 FROM deltas d JOIN log_customers c ON c.customer_no = d.customer_no
                WHERE d.ledger_no = @LedgerNo AND d.reference_id = @reference AND c.customer_id = @customerId
                """, new { scope.LedgerNo, reference = adjusts.Value, customerId }, cancellationToken: ct)) is not null;
        }

        var place = scope.Ids.PlaceOfRecord(adjusts.Value) ?? await LegacyPlaceAsync(connection, "record_id", adjusts.Value, ct);
        return place is { } p && p.LedgerNo == scope.LedgerNo
            && await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                """
                SELECT 1 FROM deltas d JOIN log_customers c ON c.customer_no = d.customer_no
                WHERE d.ledger_no = @LedgerNo AND d.log_index = @LogIndex AND c.customer_id = @customerId
                """, new { p.LedgerNo, p.LogIndex, customerId }, cancellationToken: ct)) is not null;
    }

    /// <summary>A delta by receipt id, whichever tenant's (public verification); null when there is none.</summary>
    public static async Task<DeltaRow?> FindByReceiptAsync(DbConnection connection, EntryIds ids, string receiptId, CancellationToken ct)
    {
        var place = ids.PlaceOfReceipt(receiptId) ?? await LegacyPlaceAsync(connection, "receipt_id", receiptId, ct);
        return place is { } p
            ? await connection.QuerySingleOrDefaultAsync<DeltaRow>(new CommandDefinition(
                $"{DeltaRow.Select} WHERE d.ledger_no = @LedgerNo AND d.log_index = @LogIndex", new { p.LedgerNo, p.LogIndex }, cancellationToken: ct))
            : null;
    }

    /// <summary>The log index just after a VERIFIED delta of the scope (by record or receipt id); null when the tenant has none such.</summary>
    public static async Task<long?> IndexAfterAsync(DbConnection connection, LogScope scope, string id, CancellationToken ct)
    {
        var place = scope.Ids.PlaceOfRecord(id) ?? scope.Ids.PlaceOfReceipt(id)
            ?? await LegacyPlaceAsync(connection, "record_id", id, ct) ?? await LegacyPlaceAsync(connection, "receipt_id", id, ct);
        return place is { } p && p.LedgerNo == scope.LedgerNo && p.LogIndex < scope.TreeSize ? p.LogIndex + 1 : null;
    }

    /// <summary>The first signed head that covers a log index: its size and when it was signed.</summary>
    public static Task<SignedHead?> HeadCoveringAsync(DbConnection connection, long ledgerNo, long logIndex, CancellationToken ct) =>
        connection.QueryFirstOrDefaultAsync<SignedHead>(new CommandDefinition(
            "SELECT size, signed_at FROM log_heads WHERE ledger_no = @ledgerNo AND size > @logIndex ORDER BY size LIMIT 1",
            new { ledgerNo, logIndex }, cancellationToken: ct));

    private static async Task<DeltaRow?> AtAsync(DbConnection connection, LogScope scope, long logIndex, CancellationToken ct) =>
        (await connection.QuerySingleOrDefaultAsync<DeltaRow>(new CommandDefinition(
            $"{DeltaRow.Select} WHERE d.ledger_no = @LedgerNo AND d.log_index = @logIndex", new { scope.LedgerNo, logIndex }, cancellationToken: ct)))
        ?.Finish(scope.Ids, scope.TreeSize);

    // Ids handed out before they were derived from the place; only ids of that shape can be there.
    private static async Task<(long LedgerNo, long LogIndex)?> LegacyPlaceAsync(DbConnection connection, string column, string id, CancellationToken ct) =>
        Ids.IsValid(id, column == "record_id" ? "rec" : "rcp")
            && await connection.QuerySingleOrDefaultAsync<Place>(new CommandDefinition(
                $"SELECT ledger_no, log_index FROM legacy_ids WHERE {column} = @id", new { id }, cancellationToken: ct)) is { } place
                ? (place.LedgerNo, place.LogIndex)
                : null;

    /// <summary>A signed head's size and signing time (Unix ms).</summary>
    public sealed class SignedHead
    {
        public long Size { get; set; }

        public long SignedAt { get; set; }
    }

    private sealed class Place
    {
        public long LedgerNo { get; set; }

        public long LogIndex { get; set; }
    }
}
