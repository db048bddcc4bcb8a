using PacSpace.Contracts.Reads;
using PacSpace.ControlPlane.Planes;
using PacSpace.Hosting.Errors;

namespace PacSpace.ControlPlane.Features.Ledger;

/// <summary>
/// A page of the tenant's customers in one environment, from its plane: all of them by id, or those whose id (or display name)
/// starts with a text. Keyset pages: <see cref="CustomerList.Next"/> is the cursor of the page after.
/// </summary>
internal sealed class ListCustomers(PlaneReads reads)
{
    public const int PageSize = 25;

    /// <param name="ByName">Search the start of the display name (any case) instead of the id's.</param>
    public sealed record Input(PacSpaceEnvironment Environment, string? Search, bool ByName, string? Cursor, int Limit = PageSize);

    public Task<Result<CustomerList>> HandleAsync(Actor actor, Input input, CancellationToken ct)
    {
        if (input.Search is { Length: > LedgerReads.MaxSearch })
        {
            return Task.FromResult<Result<CustomerList>>(Error.Validation("search", $"must be at most {LedgerReads.MaxSearch} characters"));
        }

        return reads.AskAsync<CustomerList>(actor, input.Environment, LedgerReads.Of(input.Environment, "customers"), ReadRoutes.Customers(actor.TenantId),
            [LedgerReads.Q("search", input.Search), LedgerReads.Q("by", input.ByName ? ReadRoutes.ByName : null), LedgerReads.Q("cursor", input.Cursor),
                LedgerReads.Q("limit", input.Limit)], ct);
    }
}
