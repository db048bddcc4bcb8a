using Microsoft.Extensions.Options;
using PacSpace.Contracts.Reads;
using PacSpace.Hosting.Errors;
using PacSpace.Plane.Features.Keys;
using PacSpace.Plane.Features.Records;

namespace PacSpace.Plane.Features.LedgerReads;

/// <summary>
/// A page of one of a tenant's records' history in this environment (<c>GET /internal/v1/tenants/{tenantId}/records/{recordType}/{entityId}</c>),
/// oldest entry first from <c>fromSeq</c>: what the Records API's <see cref="GetRecordHistory"/> answers the tenant's keys, each
/// entry with its content and, once committed, its place in the log and verify link. Unknown (another tenant's included): 404.
/// </summary>
internal sealed class ReadRecord(GetRecordHistory history, IOptions<PlaneOptions> options)
{
    public sealed record Input(string TenantId, string RecordType, string EntityId, long FromSeq, int Limit, IReadOnlyList<ErrorDetail> Problems);

    public async Task<Result<RecordHistory>> HandleAsync(Input input, CancellationToken ct)
    {
        var problems = input.Problems.ToList();
        if (NewTransition.PathProblem(input.RecordType, NewTransition.MaxRecordType) is { } type)
        {
            problems.Add(new ErrorDetail("recordType", type));
        }

        if (NewTransition.PathProblem(input.EntityId, NewTransition.MaxEntityId) is { } entity)
        {
            problems.Add(new ErrorDetail("entityId", entity));
        }

        if (problems.Count > 0)
        {
            return Error.Validation(problems);
        }

        var found = await history.HandleAsync(ApiCaller.ForTenant(input.TenantId, options.Value.EnvironmentName),
            new GetRecordHistory.Input(input.RecordType, input.EntityId, input.FromSeq, null, input.Limit), ct);
        if (!found.IsSuccess)
        {
            return found.Error!;
        }

        var bundle = found.Value.Bundle;
        var receipts = bundle.Receipts.ToDictionary(r => r.Seq);
        var pending = bundle.PendingEntries.ToDictionary(p => p.Seq);
        var entries = bundle.Entries.Select(e =>
        {
            var receipt = receipts.GetValueOrDefault(e.Seq);
            var content = receipt?.RecordContent ?? pending[e.Seq].RecordContent;
            return new RecordEntry(e.Seq, e.Status, e.ReceiptId, e.Lifecycle, e.ContentHash, e.RecordedAt, receipt?.CommittedAt, receipt?.Index, receipt?.TreeSize,
                content, receipt?.VerifyUrl);
        }).ToList();
        return new RecordHistory(bundle.RecordType, bundle.EntityId, bundle.RecordKey, entries, found.Value.NextFromSeq);
    }
}
