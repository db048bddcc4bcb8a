using PacSpace.Contracts.Reads;
using PacSpace.ControlPlane.Planes;
using PacSpace.Hosting.Errors;

namespace PacSpace.ControlPlane.Features.Ledger;

/// <summary>
/// One of the tenant's deltas in one environment by its record id, from its plane: status, content, and once VERIFIED its
/// receipt's proof (log index, tree size, balance after, verify link). Unknown there — another tenant's included — is a 404;
/// an id that cannot be a record id is one without asking the plane.
/// </summary>
internal sealed class GetDelta(PlaneReads reads)
{
    public sealed record Input(PacSpaceEnvironment Environment, string RecordId);

    public Task<Result<DeltaDetail>> HandleAsync(Actor actor, Input input, CancellationToken ct) =>
        !Hosting.Data.Ids.IsValid(input.RecordId, "rec")
            ? Task.FromResult<Result<DeltaDetail>>(Error.NotFound("delta"))
            : reads.AskAsync<DeltaDetail>(actor, input.Environment, LedgerReads.Of(input.Environment, "deltas"), ReadRoutes.Delta(actor.TenantId, input.RecordId), [], ct);
}
