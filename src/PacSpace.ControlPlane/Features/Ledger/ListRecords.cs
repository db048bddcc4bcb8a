using PacSpace.Contracts.Reads;
using PacSpace.ControlPlane.Planes;
using PacSpace.Hosting.Errors;

namespace PacSpace.ControlPlane.Features.Ledger;

/// <summary>
/// A page of the tenant's records (Records API) in one environment, newest first by their first entry, from its plane;
/// optionally of one record type. <see cref="RecordList.Next"/> continues it.
/// </summary>
internal sealed class ListRecords(PlaneReads reads)
{
    public const int PageSize = 25;

    /// <summary>A record type has at most this many characters (as the Records API takes them).</summary>
    public const int MaxRecordType = 100;

    public sealed record Input(PacSpaceEnvironment Environment, string? RecordType, string? Cursor, int Limit = PageSize);

    public Task<Result<RecordList>> HandleAsync(Actor actor, Input input, CancellationToken ct) =>
        input.RecordType is { Length: > MaxRecordType }
            ? Task.FromResult<Result<RecordList>>(Error.Validation("recordType", $"must be at most {MaxRecordType} characters"))
            : reads.AskAsync<RecordList>(actor, input.Environment, LedgerReads.Of(input.Environment, "records"), ReadRoutes.Records(actor.TenantId),
                [LedgerReads.Q("recordType", input.RecordType), LedgerReads.Q("cursor", input.Cursor), LedgerReads.Q("limit", input.Limit)], ct);
}
