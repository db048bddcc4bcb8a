using Dapper;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using PacSpace.Contracts.Planes;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;
using PacSpace.Ledger;

namespace PacSpace.Plane.Features.Tenants;

/// <summary>
/// <c>PUT /internal/v1/tenants/{tenantId}</c>: creates the tenant's ledger on this plane — a fresh Ed25519
/// signing key, the log origin and the signed head of the empty tree. Repeating the call returns the same
/// ledger: the insert is conditional on the tenant id, so concurrent or retried calls never make two.
/// </summary>
internal static class TenantLedgers
{
    public static async Task<IResult> PutAsync(string tenantId, Database db, IOptions<PlaneOptions> options, TimeProvider time, CancellationToken ct)
    {
        if (!Ids.IsValid(tenantId, "tnt"))
        {
            return Envelope.Fail(Error.Validation("tenantId", "must be a tenant id such as tnt_01k…"));
        }

        var o = options.Value;
        var origin = $"{o.ResolvedOriginHost}/{tenantId}/{o.EnvironmentName}";
        using var key = LogSigningKey.Generate();
        var emptyRoot = MerkleTree.EmptyRoot();
        var checkpoint = SignedNote.Sign(new Checkpoint(origin, 0, emptyRoot).ToNoteBody(), origin, key);

        await using var connection = await db.OpenAsync(ct);
        var created = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO tenant_ledgers (tenant_id, environment, origin, key_name, public_key, private_key, tree_size, root_hash, checkpoint, created_at)
            VALUES (@tenantId, @env, @origin, @origin, @publicKey, @privateKey, 0, @root, @checkpoint, @now)
            ON CONFLICT (tenant_id) DO NOTHING
            """,
            new
            {
                tenantId,
                env = o.EnvironmentName,
                origin,
                publicKey = Convert.ToBase64String(key.PublicKey),
                privateKey = Convert.ToBase64String(key.ExportPrivateKey()),
                root = Hex.Encode(emptyRoot),
                checkpoint,
                now = time.GetUtcNow().ToUnixTimeMilliseconds(),
            }, cancellationToken: ct)) == 1;

        var ledger = await LoadAsync(connection, tenantId, ct);
        return Envelope.Ok(ledger!, created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    public static async Task<IResult> GetAsync(string tenantId, Database db, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var ledger = Ids.IsValid(tenantId, "tnt") ? await LoadAsync(connection, tenantId, ct) : null;
        return ledger is null ? Envelope.Fail(Error.NotFound("tenant ledger")) : Envelope.Ok(ledger);
    }

    private static async Task<TenantLedgerInfo?> LoadAsync(System.Data.Common.DbConnection connection, string tenantId, CancellationToken ct)
    {
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            "SELECT tenant_id, environment, origin, key_name, public_key, tree_size, root_hash, checkpoint, created_at FROM tenant_ledgers WHERE tenant_id = @tenantId",
            new { tenantId }, cancellationToken: ct));
        return row is null
            ? null
            : new TenantLedgerInfo(row.TenantId, row.Environment, row.Origin, row.PublicKey,
                SignedNote.VerifierKey(row.KeyName, Convert.FromBase64String(row.PublicKey)),
                row.TreeSize, row.RootHash, row.Checkpoint, DateTimeOffset.FromUnixTimeMilliseconds(row.CreatedAt));
    }

    private sealed record Row(string TenantId, string Environment, string Origin, string KeyName, string PublicKey, long TreeSize,
        string RootHash, string Checkpoint, long CreatedAt);
}
