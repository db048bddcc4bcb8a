using PacSpace.Contracts.Reads;
using PacSpace.ControlPlane.Planes;
using PacSpace.Hosting.Errors;

namespace PacSpace.ControlPlane.Features.Ledger;

/// <summary>
/// One customer of the tenant in one environment, from its plane: its figures, a page of its deltas newest first (the cursor
/// continues it), and the checkpoints holding its balance. Unknown there — another tenant's included — is a 404.
/// </summary>
internal sealed class GetCustomer(PlaneReads reads)
{
    public const int DeltasPerPage = 20;

    public sealed record Input(PacSpaceEnvironment Environment, string CustomerId, string? Cursor, int Limit = DeltasPerPage);

    public Task<Result<CustomerDetail>> HandleAsync(Actor actor, Input input, CancellationToken ct) =>
        input.CustomerId.Length is 0 or > LedgerReads.MaxSearch
            ? Task.FromResult<Result<CustomerDetail>>(Error.NotFound("customer"))
            : reads.AskAsync<CustomerDetail>(actor, input.Environment, LedgerReads.Of(input.Environment, "customers"),
                ReadRoutes.Customer(actor.TenantId, input.CustomerId), [LedgerReads.Q("cursor", input.Cursor), LedgerReads.Q("limit", input.Limit)], ct);
}
