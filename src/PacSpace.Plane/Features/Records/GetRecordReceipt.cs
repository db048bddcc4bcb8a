using Microsoft.Extensions.Options;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Ledger;
using PacSpace.Plane.Features.Keys;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Records;

/// <summary>
/// One entry of one of the caller's records by its seq (<c>GET /api/v1/records/{recordType}/{entityId}/receipts/{seq}</c>):
/// its receipt (<see cref="RecordViews.ReceiptView"/>). Another tenant's record, an unknown record and an entry the record
/// has not reached are one 404.
/// </summary>
internal sealed class GetRecordReceipt(Database db, EntryIds ids, IOptions<PlaneOptions> options)
{
    public sealed record Input(string RecordType, string EntityId, long Seq);

    public async Task<Result<RecordViews.ReceiptView>> HandleAsync(ApiCaller caller, Input input, CancellationToken ct)
    {
        var env = options.Value.EnvironmentName;
        await using var c = await db.OpenAsync(ct);
        var ledger = await TenantLedgerStore.PublicLogAsync(c, caller.TenantId, ct);
        var scope = ledger is null ? null : await TenantLedgerStore.ScopeAsync(c, ids, caller.TenantId, ct);
        var recordNo = scope is null ? null : await RecordStore.FindAsync(c, null, scope.LedgerNo, RecordKey.Hash(caller.TenantId, env, input.RecordType, input.EntityId), ct);
        var row = recordNo is long no ? await RecordStore.EntryAsync(c, no, input.Seq, ct) : null;
        return row is null ? NotFound() : await RecordViews.ReceiptAsync(c, ids, row, ledger!, env, ct);
    }

    internal static Error NotFound() =>
        new(404, ErrorCodes.NotFound, "This record has no such entry for your account in this environment (entries count from 0).");
}
