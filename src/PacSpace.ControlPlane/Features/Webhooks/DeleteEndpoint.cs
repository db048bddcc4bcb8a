using PacSpace.ControlPlane.Features.Audit;
using PacSpace.ControlPlane.Planes;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;

namespace PacSpace.ControlPlane.Features.Webhooks;

/// <summary>
/// Deletes an endpoint for good: its secrets are dropped at once, and its plane is told before the answer (or as soon as it
/// answers). It is gone from lists and reads; asking again is a 404.
/// </summary>
internal sealed class DeleteEndpoint(Database db, WebhookEndpointStore endpoints, AuditStore audit, PlaneSync<WebhookPlaneSync> sync, TimeProvider time)
{
    public sealed record Input(string Id);

    public async Task<Result<DeletedWebhookView>> HandleAsync(Actor actor, Input input, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var found = await WebhookRules.FindAsync(endpoints, connection, actor.TenantId, input.Id, ct);
        if (!found.IsSuccess)
        {
            return found.Error!;
        }

        var row = found.Value;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            if (!await endpoints.DeleteAsync(connection, tx, row.Id, now, ct))
            {
                // Deleted by a concurrent call meanwhile: the same answer as for any endpoint that is gone.
                return Error.NotFound("webhook endpoint");
            }

            await audit.WriteAsync(connection, tx, actor, "webhook.deleted", row.Id, new { url = row.Url, environment = row.Environment }, ct);
            await tx.CommitAsync(ct);
        }

        var status = await sync.DeliverNowAsync([row.Id], ct);
        return new DeletedWebhookView(row.Id, true, WebhookRules.At(now), status);
    }
}
