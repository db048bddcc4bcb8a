using PacSpace.ControlPlane.Features.Audit;
using PacSpace.ControlPlane.Planes;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;

namespace PacSpace.ControlPlane.Features.ApiKeys;

/// <summary>Revokes for good; repeating it is harmless and pushes a revocation that is still pending.</summary>
internal sealed class RevokeKey(Database db, ApiKeyStore keys, AuditStore audit, PlaneSync<KeyPlaneSync> sync, TimeProvider time)
{
    public sealed record Input(string Id);

    public async Task<Result<KeyView>> HandleAsync(Actor actor, Input input, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var found = await KeyRules.FindAsync(keys, connection, actor.TenantId, input.Id, changed: false, ct);
        if (!found.IsSuccess)
        {
            return found.Error!;
        }

        var row = found.Value;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (!row.IsRevoked)
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            if (await keys.RevokeAsync(connection, tx, row.Id, now, ct))
            {
                await audit.WriteAsync(connection, tx, actor, "api_key.revoked", row.Id, new { name = row.Name }, ct);
            }

            await tx.CommitAsync(ct);
        }

        await sync.DeliverNowAsync([row.Id], ct);
        var revoked = await keys.FindAsync(connection, row.TenantId, row.Id, ct);
        return KeyView.Of(revoked!, now);
    }
}
