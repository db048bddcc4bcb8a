using PacSpace.Contracts.Planes;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Tenants;

/// <summary>The tenant's ledger on this plane, as the control plane reads it.</summary>
internal sealed class GetTenantLedger(Database db)
{
    public sealed record Input(string TenantId);

    public async Task<Result<TenantLedgerInfo>> HandleAsync(Input input, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var ledger = Ids.IsValid(input.TenantId, "tnt") ? await TenantLedgerStore.FindInfoAsync(connection, input.TenantId, ct) : null;
        return ledger is null ? Error.NotFound("tenant ledger") : ledger;
    }
}
