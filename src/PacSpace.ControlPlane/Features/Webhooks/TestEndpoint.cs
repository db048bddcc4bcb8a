using System.Globalization;
using Microsoft.Extensions.Options;
using PacSpace.Contracts.Webhooks;
using PacSpace.ControlPlane.Features.Audit;
using PacSpace.ControlPlane.Jobs;
using PacSpace.ControlPlane.Planes;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;

namespace PacSpace.ControlPlane.Features.Webhooks;

/// <summary>
/// Sends a <c>ping</c> to one of the actor's endpoints now, through the plane of its environment (which signs it with the
/// endpoint's secrets), and answers what the receiver answered. Nothing is stored or retried; the test is audited.
/// </summary>
internal sealed class TestEndpoint(
    Database db,
    WebhookEndpointStore endpoints,
    AuditStore audit,
    PlaneClient planes,
    JobSignal<PlaneDeliveryJob<WebhookPlaneSync>> delivery,
    IOptions<WebhookSyncOptions> options)
{
    public const int NotSyncedRetryAfterSeconds = 2;

    public sealed record Input(string Id);

    public async Task<Result<WebhookTestResult>> HandleAsync(Actor actor, Input input, CancellationToken ct)
    {
        WebhookEndpointRow row;
        await using (var connection = await db.OpenAsync(ct))
        {
            var found = await WebhookRules.FindAsync(endpoints, connection, actor.TenantId, input.Id, ct);
            if (!found.IsSuccess)
            {
                return found.Error!;
            }

            row = found.Value;
        }

        if (!row.IsEnabled)
        {
            return Disabled(row);
        }

        Result<WebhookTestResult> sent;
        try
        {
            sent = await planes.TestWebhookAsync(row.Env, row.TenantId, row.Id, options.Value.TestTimeout, ct);
        }
        catch (Exception ex) when (WebhookRules.IsPlaneDown(ex, ct))
        {
            return WebhookRules.PlaneUnavailable(row.Env, "the ping may not have been sent.");
        }

        if (!sent.IsSuccess)
        {
            if (sent.Error!.Status != 404)
            {
                return sent.Error;
            }

            if (row.SyncStatus == SyncStatus.Pending)
            {
                delivery.Notify();
            }

            return NotSynced(row);
        }

        var result = sent.Value;
        await using (var connection = await db.OpenAsync(ct))
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            await audit.WriteAsync(connection, tx, actor, "webhook.tested", row.Id,
                new { environment = row.Environment, result.EventId, result.Delivered, result.StatusCode }, ct);
            await tx.CommitAsync(ct);
        }

        return result;
    }

    private static Error Disabled(WebhookEndpointRow row)
    {
        var why = row.DisabledAt is long at
            ? string.Create(CultureInfo.InvariantCulture, $" PacSpace disabled it at {WebhookRules.At(at):yyyy-MM-dd'T'HH:mm:ss'Z'}: {row.DisabledReason}.")
            : "";
        return new Error(409, ErrorCodes.WebhookDisabled,
            $"This webhook endpoint is disabled, so nothing is sent to it, test pings included.{why} "
            + $"Enable it with PATCH /dashboard/webhooks/{row.Id} {{\"enabled\":true}}, then test it again.");
    }

    private static Error NotSynced(WebhookEndpointRow row) => new(409, ErrorCodes.WebhookNotSynced,
        $"The {row.Environment} environment does not have this endpoint enabled yet: its latest change is still being delivered there "
        + $"(syncStatus \"{row.SyncStatus}\"), or the environment has just disabled it (then disabledAt shows it within seconds). "
        + $"Try again in a few seconds.")
    {
        RetryAfterSeconds = NotSyncedRetryAfterSeconds,
    };
}
