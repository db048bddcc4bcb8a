using PacSpace.ControlPlane.Features.Audit;
using PacSpace.ControlPlane.Planes;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.ApiKeys;

/// <summary>A new key with the same environment; the old one keeps working for the overlap, never past its own expiry.</summary>
internal sealed class RotateKey(Database db, ApiKeyStore keys, AuditStore audit, PlaneSync<KeyPlaneSync> sync, TimeProvider time)
{
    private const string RotatedSuffix = " (rotated)";

    /// <param name="OverlapHours">Hours the old key keeps working: 0 to 168 (a week), 24 when absent.</param>
    public sealed record Input(string Id, double OverlapHours)
    {
        public static Result<Input> Read(string id, FieldReader fields)
        {
            var overlapHours = fields.Number("overlapHours", required: false, 0, 168) ?? 24;
            return fields.HasErrors ? fields.ToError() : new Input(id, overlapHours);
        }
    }

    public async Task<Result<CreatedKeyView>> HandleAsync(Actor actor, Input input, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var found = await KeyRules.FindAsync(keys, connection, actor.TenantId, input.Id, changed: true, ct);
        if (!found.IsSuccess)
        {
            return found.Error!;
        }

        var old = found.Value;
        var env = old.Env;
        if (await KeyRules.CheckEnvironmentAsync(connection, old.TenantId, env, ct) is { } refused)
        {
            return refused;
        }

        var overlapHours = input.OverlapHours;
        var now = time.GetUtcNow();
        var overlapEnds = now.AddMilliseconds(Math.Round(overlapHours * 3_600_000));
        var oldExpires = old.ExpiresAt is long e && e < overlapEnds.ToUnixTimeMilliseconds() ? DateTimeOffset.FromUnixTimeMilliseconds(e) : overlapEnds;
        var name = old.Name.EndsWith(RotatedSuffix, StringComparison.Ordinal) || old.Name.Length + RotatedSuffix.Length > KeyRules.MaxName
            ? old.Name
            : old.Name + RotatedSuffix;

        await using var tx = await connection.BeginTransactionAsync(ct);
        var (newId, key) = await keys.InsertAsync(connection, tx, old.TenantId, actor.UserId, name, env, null, now, ct);
        await keys.MarkRotatedAsync(connection, tx, old.Id, newId, oldExpires, now.ToUnixTimeMilliseconds(), ct);
        await audit.WriteAsync(connection, tx, actor, "api_key.rotated", old.Id,
            new { newKeyId = newId, newPublicKey = key.PublicKey, overlapHours, previousKeyExpiresAt = KeyRules.Ms(oldExpires) }, ct);
        await tx.CommitAsync(ct);

        var status = await sync.DeliverNowAsync([newId, old.Id], ct);
        return CreatedKeyView.Of(newId, name, key, now, null, status, old.Id, oldExpires);
    }
}
