using PacSpace.Contracts.Reads;
using PacSpace.ControlPlane.Planes;
using PacSpace.Hosting.Errors;

namespace PacSpace.ControlPlane.Features.Ledger;

/// <summary>
/// A page of one of the tenant's records' history in one environment, oldest entry first from <c>FromSeq</c>, from its plane:
/// each entry's lifecycle, status, content and verify link. Unknown there — another tenant's included — is a 404.
/// </summary>
internal sealed class GetRecordHistory(PlaneReads reads)
{
    public const int PageSize = 20;

    public sealed record Input(PacSpaceEnvironment Environment, string RecordType, string EntityId, long FromSeq, int Limit = PageSize);

    public Task<Result<RecordHistory>> HandleAsync(Actor actor, Input input, CancellationToken ct) =>
        input.RecordType.Length is 0 or > ListRecords.MaxRecordType || input.EntityId.Length is 0 or > LedgerReads.MaxSearch
            ? Task.FromResult<Result<RecordHistory>>(Error.NotFound("record"))
            : reads.AskAsync<RecordHistory>(actor, input.Environment, LedgerReads.Of(input.Environment, "records"),
                ReadRoutes.Record(actor.TenantId, input.RecordType, input.EntityId), [LedgerReads.Q("fromSeq", input.FromSeq), LedgerReads.Q("limit", input.Limit)], ct);
}
