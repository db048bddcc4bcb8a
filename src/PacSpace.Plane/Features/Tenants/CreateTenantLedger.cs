using Microsoft.Extensions.Options;
using PacSpace.Contracts.Planes;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Secrets;
using PacSpace.Hosting.Errors;
using PacSpace.Ledger;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Tenants;

/// <summary>
/// Creates the tenant's ledger on this plane — a fresh Ed25519 signing key, the log origin and the signed head of the
/// empty tree. Repeating the call returns the same ledger: the insert is conditional on the tenant id, so concurrent
/// or retried calls never make two.
/// </summary>
internal sealed class CreateTenantLedger(Database db, AtRestEncryption secrets, IOptions<PlaneOptions> options, TimeProvider time)
{
    public sealed record Input(string TenantId);

    public sealed record Output(TenantLedgerInfo Ledger, bool Created);

    public async Task<Result<Output>> HandleAsync(Input input, CancellationToken ct)
    {
        var tenantId = input.TenantId;
        if (!Ids.IsValid(tenantId, "tnt"))
        {
            return Error.Validation("tenantId", "must be a tenant id such as tnt_01k…");
        }

        var o = options.Value;
        var origin = $"{o.ResolvedOriginHost}/{tenantId}/{o.EnvironmentName}";
        using var key = LogSigningKey.Generate();
        var emptyRoot = MerkleTree.EmptyRoot();
        var checkpoint = SignedNote.Sign(new Checkpoint(origin, 0, emptyRoot).ToNoteBody(), origin, key);

        await using var connection = await db.OpenAsync(ct);
        var created = await TenantLedgerStore.CreateAsync(connection, db.Provider, secrets, tenantId, o.EnvironmentName, origin, Convert.ToBase64String(key.PublicKey),
            Convert.ToBase64String(key.ExportPrivateKey()), Hex.Encode(emptyRoot), checkpoint, time.GetUtcNow().ToUnixTimeMilliseconds(), ct);
        var ledger = await TenantLedgerStore.FindInfoAsync(connection, tenantId, ct);
        return new Output(ledger!, created);
    }
}
