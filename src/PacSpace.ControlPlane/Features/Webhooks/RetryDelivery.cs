using Microsoft.Extensions.Options;
using PacSpace.Contracts.Webhooks;
using PacSpace.ControlPlane.Features.Audit;
using PacSpace.ControlPlane.Features.Auth;
using PacSpace.ControlPlane.Planes;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;

namespace PacSpace.ControlPlane.Features.Webhooks;

/// <summary>
/// Queues one event's deliveries in one environment for an attempt now, on that environment's plane: to every endpoint of
/// the event that still exists and is enabled, delivered ones included. Audited; another tenant's or an unknown event is a 404.
/// </summary>
internal sealed class RetryDelivery(Database db, UserStore users, AuditStore audit, PlaneClient planes, IOptions<PlanesOptions> planesOptions)
{
    /// <param name="Environment">Null: the user's preferred environment.</param>
    public sealed record Input(string EventId, PacSpaceEnvironment? Environment);

    public async Task<Result<WebhookRetryResult>> HandleAsync(Actor actor, Input input, CancellationToken ct)
    {
        var asked = PacSpaceEnvironment.Sandbox;
        var retried = await WebhookRules.AskDeliveryPlaneAsync(db, users, actor, input.Environment, env =>
        {
            asked = env;
            return planes.RetryWebhookDeliveryAsync(env, actor.TenantId, input.EventId, planesOptions.Value.RequestTimeout, ct);
        }, "the deliveries may or may not have been queued (asking again is safe).", ct);
        if (retried.IsSuccess)
        {
            // After the plane's answer, outside the plane call: an audit failure is not a plane that did not answer.
            await AuditAsync(actor, asked, retried.Value, ct);
        }

        return retried;
    }

    private async Task AuditAsync(Actor actor, PacSpaceEnvironment env, WebhookRetryResult result, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await audit.WriteAsync(connection, tx, actor, "webhook.retried", result.EventId, new { environment = env.Name(), result.Queued }, ct);
        await tx.CommitAsync(ct);
    }
}
