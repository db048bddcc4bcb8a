using PacSpace.ControlPlane.Features.Audit;
using PacSpace.ControlPlane.Planes;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.Webhooks;

/// <summary>
/// A new signing secret for an endpoint. During the overlap the plane signs with both, the new one first; the answer is
/// the only place the new secret appears.
/// </summary>
internal sealed class RotateSecret(Database db, WebhookEndpointStore endpoints, AuditStore audit, PlaneSync<WebhookPlaneSync> sync, TimeProvider time)
{
    public const double MaxOverlapHours = 24;

    /// <param name="OverlapHours">Hours the previous secret keeps signing: 0 to 24, 24 when absent.</param>
    public sealed record Input(string Id, double OverlapHours)
    {
        public static Result<Input> Read(string id, FieldReader fields)
        {
            var overlapHours = fields.Number("overlapHours", required: false, 0, MaxOverlapHours) ?? MaxOverlapHours;
            return fields.HasErrors ? fields.ToError() : new Input(id, overlapHours);
        }
    }

    public async Task<Result<RotatedSecretView>> HandleAsync(Actor actor, Input input, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var found = await WebhookRules.FindAsync(endpoints, connection, actor.TenantId, input.Id, ct);
        if (!found.IsSuccess)
        {
            return found.Error!;
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var previousUntil = now + (long)Math.Round(input.OverlapHours * 3_600_000);
        var secret = WebhookRules.NewSecret();
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            await endpoints.RotateAsync(connection, tx, input.Id, secret, previousUntil > now ? previousUntil : null, now, ct);
            await audit.WriteAsync(connection, tx, actor, "webhook.secret_rotated", input.Id,
                new { input.OverlapHours, previousSecretExpiresAt = WebhookRules.At(previousUntil) }, ct);
            await tx.CommitAsync(ct);
        }

        var status = await sync.DeliverNowAsync([input.Id], ct);
        return new RotatedSecretView(input.Id, secret, WebhookRules.At(previousUntil), status);
    }
}
