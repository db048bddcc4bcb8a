using PacSpace.ControlPlane.Features.Audit;
using PacSpace.ControlPlane.Planes;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.ApiKeys;

/// <summary>Creates a key for the actor's tenant; the answer is the only place the secret ever appears.</summary>
internal sealed class CreateKey(Database db, ApiKeyStore keys, AuditStore audit, PlaneSync<KeyPlaneSync> sync, TimeProvider time)
{
    public sealed record Input(string Name, PacSpaceEnvironment Environment, DateTimeOffset? ExpiresAt)
    {
        /// <summary>The rules for a new key's fields, shared by the API (JSON) and the API keys page (form).</summary>
        public static Result<Input> Read(FieldReader fields, DateTimeOffset now)
        {
            var name = fields.String("name", required: true, 1, KeyRules.MaxName, rule: TextRule.Line);
            var env = fields.Enum("environment", required: false, KeyRules.Environments, KeyRules.AcceptedEnvironments) ?? PacSpaceEnvironment.Sandbox;
            var expiresAt = fields.Timestamp("expiresAt", required: false);
            if (expiresAt is not null && expiresAt <= now)
            {
                fields.Add("expiresAt", "must be in the future");
            }

            return fields.HasErrors ? fields.ToError() : new Input(name!, env, expiresAt);
        }
    }

    public async Task<Result<CreatedKeyView>> HandleAsync(Actor actor, Input input, CancellationToken ct)
    {
        var (name, env, expiresAt) = input;
        var now = time.GetUtcNow();
        await using var connection = await db.OpenAsync(ct);
        if (await KeyRules.CheckEnvironmentAsync(connection, actor.TenantId, env, ct) is { } refused)
        {
            return refused;
        }

        await using var tx = await connection.BeginTransactionAsync(ct);
        var (id, key) = await keys.InsertAsync(connection, tx, actor.TenantId, actor.UserId, name, env, expiresAt, now, ct);
        await audit.WriteAsync(connection, tx, actor, "api_key.created", id,
            new { name, environment = env.KeyName(), publicKey = key.PublicKey, expiresAt }, ct);
        await tx.CommitAsync(ct);

        var status = await sync.DeliverNowAsync([id], ct);
        return CreatedKeyView.Of(id, name, key, now, expiresAt, status);
    }
}
