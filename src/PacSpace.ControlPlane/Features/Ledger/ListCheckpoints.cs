using PacSpace.Contracts.Reads;
using PacSpace.ControlPlane.Planes;
using PacSpace.Hosting.Errors;

namespace PacSpace.ControlPlane.Features.Ledger;

/// <summary>
/// A page of the tenant's period checkpoints in one environment, newest first, from its plane (optionally those holding one
/// customer's balance): windows, proof roots, totals, signed statements and verify links. <see cref="CheckpointList.Next"/> continues it.
/// </summary>
internal sealed class ListCheckpoints(PlaneReads reads)
{
    public const int PageSize = 10;

    public sealed record Input(PacSpaceEnvironment Environment, string? CustomerId, string? Cursor, int Limit = PageSize);

    public Task<Result<CheckpointList>> HandleAsync(Actor actor, Input input, CancellationToken ct) =>
        input.CustomerId is { Length: > LedgerReads.MaxSearch }
            ? Task.FromResult<Result<CheckpointList>>(Error.Validation("customerId", $"must be at most {LedgerReads.MaxSearch} characters"))
            : reads.AskAsync<CheckpointList>(actor, input.Environment, LedgerReads.Of(input.Environment, "checkpoints"), ReadRoutes.Checkpoints(actor.TenantId),
                [LedgerReads.Q("customerId", input.CustomerId), LedgerReads.Q("cursor", input.Cursor), LedgerReads.Q("limit", input.Limit)], ct);
}
