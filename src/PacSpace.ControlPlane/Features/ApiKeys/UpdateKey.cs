using PacSpace.ControlPlane.Features.Audit;
using PacSpace.ControlPlane.Planes;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.ApiKeys;

/// <summary>Rename and/or disable / enable; a state change is delivered to the key's plane before answering.</summary>
internal sealed class UpdateKey(Database db, ApiKeyStore keys, AuditStore audit, PlaneSync<KeyPlaneSync> sync, TimeProvider time)
{
    public sealed record Input(string Id, string? Name, bool? Active)
    {
        public static Result<Input> Read(string id, FieldReader fields)
        {
            var name = fields.String("name", required: false, 1, KeyRules.MaxName, rule: TextRule.Line);
            var active = fields.Bool("active", required: false);
            if (!fields.HasErrors && name is null && active is null)
            {
                fields.Add("body", "send name, active or both");
            }

            return fields.HasErrors ? fields.ToError() : new Input(id, name, active);
        }
    }

    public async Task<Result<KeyView>> HandleAsync(Actor actor, Input input, CancellationToken ct)
    {
        var (id, name, active) = input;
        await using var connection = await db.OpenAsync(ct);
        var found = await KeyRules.FindAsync(keys, connection, actor.TenantId, id, changed: true, ct);
        if (!found.IsSuccess)
        {
            return found.Error!;
        }

        var row = found.Value;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var toggled = active is bool a && a != row.IsEnabled;
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            await keys.UpdateAsync(connection, tx, row.Id, name ?? row.Name, active ?? row.IsEnabled, queueDelivery: toggled, now, ct);
            if (name is not null && name != row.Name)
            {
                await audit.WriteAsync(connection, tx, actor, "api_key.renamed", row.Id, new { from = row.Name, to = name }, ct);
            }

            if (toggled)
            {
                await audit.WriteAsync(connection, tx, actor, active!.Value ? "api_key.enabled" : "api_key.disabled", row.Id, new { name = name ?? row.Name }, ct);
            }

            await tx.CommitAsync(ct);
        }

        if (toggled)
        {
            await sync.DeliverNowAsync([row.Id], ct);
        }

        var updated = await keys.FindAsync(connection, row.TenantId, row.Id, ct);
        return KeyView.Of(updated!, now);
    }
}
