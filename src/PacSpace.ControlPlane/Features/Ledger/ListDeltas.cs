using PacSpace.Contracts.Reads;
using PacSpace.ControlPlane.Planes;
using PacSpace.Hosting.Errors;

namespace PacSpace.ControlPlane.Features.Ledger;

/// <summary>
/// A page of the tenant's deltas in one environment, newest first, from its plane: optionally of one status (VERIFIED or
/// QUEUED), one customer and a time window <c>[From, To)</c>. Keyset pages: <see cref="DeltaList.Next"/> continues it.
/// </summary>
internal sealed class ListDeltas(PlaneReads reads)
{
    public const int PageSize = 25;

    /// <param name="Status"><see cref="ReadRoutes.Verified"/>, <see cref="ReadRoutes.Queued"/> or null for both.</param>
    public sealed record Input(PacSpaceEnvironment Environment, string? Status, string? CustomerId, DateTimeOffset? From, DateTimeOffset? To, string? Cursor,
        int Limit = PageSize);

    public Task<Result<DeltaList>> HandleAsync(Actor actor, Input input, CancellationToken ct)
    {
        if (input.CustomerId is { Length: > LedgerReads.MaxSearch })
        {
            return Task.FromResult<Result<DeltaList>>(Error.Validation("customerId", $"must be at most {LedgerReads.MaxSearch} characters"));
        }

        return reads.AskAsync<DeltaList>(actor, input.Environment, LedgerReads.Of(input.Environment, "deltas"), ReadRoutes.Deltas(actor.TenantId),
            [LedgerReads.Q("status", input.Status), LedgerReads.Q("customerId", input.CustomerId), LedgerReads.Q("from", input.From?.ToUnixTimeMilliseconds()),
                LedgerReads.Q("to", input.To?.ToUnixTimeMilliseconds()), LedgerReads.Q("cursor", input.Cursor), LedgerReads.Q("limit", input.Limit)], ct);
    }
}
