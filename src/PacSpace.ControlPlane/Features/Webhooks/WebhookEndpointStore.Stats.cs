using System.Data.Common;
using Dapper;
using PacSpace.Contracts.Webhooks;
using PacSpace.ControlPlane.Planes;

namespace PacSpace.ControlPlane.Features.Webhooks;

/// <summary>The webhook_endpoints writes of the planes' stats feed: delivery figures, and endpoints a plane disabled.</summary>
internal sealed partial class WebhookEndpointStore
{
    public const int MaxDisabledReason = 500;

    /// <summary>
    /// Takes a plane's figures for one of its environment's endpoints. They are absolute, and each only moves forward, so
    /// a page read twice (or by two replicas) changes nothing the second time; an endpoint of another environment or
    /// tenant is left alone.
    /// </summary>
    public Task RecordStatsAsync(DbConnection connection, DbTransaction tx, PacSpaceEnvironment plane, WebhookEndpointStats s, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE webhook_endpoints SET
                success_count = CASE WHEN success_count < @success THEN @success ELSE success_count END,
                failure_count = CASE WHEN failure_count < @failure THEN @failure ELSE failure_count END,
                last_triggered_at = CASE WHEN COALESCE(last_triggered_at, -1) < COALESCE(CAST(@triggered AS BIGINT), -1)
                                         THEN CAST(@triggered AS BIGINT) ELSE last_triggered_at END
            WHERE id = @id AND tenant_id = @tenantId AND environment = @env
              AND (success_count < @success OR failure_count < @failure OR COALESCE(last_triggered_at, -1) < COALESCE(CAST(@triggered AS BIGINT), -1))
            """,
            new { success = s.SuccessCount, failure = s.FailureCount, triggered = s.LastTriggeredAt, id = s.Id, tenantId = s.TenantId, env = plane.Name() },
            tx, cancellationToken: cancellationToken));

    /// <summary>
    /// Disables an endpoint its plane disabled at <paramref name="disabledAt"/>, queued for delivery like any change, if it is
    /// still enabled and no user changed it since (a user's later word stands). Returns the endpoint when this call disabled it.
    /// </summary>
    public async Task<WebhookEndpointRow?> DisableAsync(DbConnection connection, DbTransaction tx, PacSpaceEnvironment plane, string tenantId, string id,
        long disabledAt, string reason, long now, CancellationToken cancellationToken)
    {
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE webhook_endpoints SET enabled = 0, disabled_at = @disabledAt, disabled_reason = @reason, {PlaneOutbox.QueueDelivery}
            WHERE id = @id AND tenant_id = @tenantId AND environment = @env AND deleted_at IS NULL AND enabled = 1 AND updated_at < @disabledAt
            """,
            new { disabledAt, reason = reason.Length > MaxDisabledReason ? reason[..MaxDisabledReason] : reason, now, id, tenantId, env = plane.Name() },
            tx, cancellationToken: cancellationToken));
        return changed == 0
            ? null
            : await connection.QuerySingleAsync<WebhookEndpointRow>(new CommandDefinition(
                $"SELECT {Columns} FROM webhook_endpoints WHERE id = @id", new { id }, tx, cancellationToken: cancellationToken));
    }
}
