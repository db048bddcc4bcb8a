using PacSpace.Contracts.Webhooks;
using PacSpace.ControlPlane.Features.Audit;
using PacSpace.ControlPlane.Features.Auth;
using PacSpace.ControlPlane.Planes;
using PacSpace.Hosting.Data;

namespace PacSpace.ControlPlane.Features.Webhooks;

/// <summary>
/// Takes one page of a plane's webhook stats feed (<see cref="WebhookStatsJob"/>): the endpoints' delivery figures, and the
/// endpoints the plane disabled. Such an endpoint is disabled here too (it stays as the user left it when a user changed it
/// after the plane disabled it), audited <c>webhook.disabled</c> as PacSpace's own doing, mailed to the tenant's owners, and
/// its new state delivered back to the plane as any change is.
/// </summary>
internal sealed class RecordDeliveryStats(
    Database db,
    WebhookEndpointStore endpoints,
    UserStore users,
    AuditStore audit,
    WebhookMail mail,
    PlaneSync<WebhookPlaneSync> sync,
    TimeProvider time)
{
    /// <summary>The plane that reported <paramref name="Items"/>; only endpoints of its environment are touched.</summary>
    public sealed record Input(PacSpaceEnvironment Plane, IReadOnlyList<WebhookEndpointStats> Items);

    /// <returns>The ids of the endpoints this call disabled.</returns>
    public async Task<IReadOnlyList<string>> HandleAsync(Input input, CancellationToken ct)
    {
        var disabled = new List<(WebhookEndpointRow Endpoint, IReadOnlyList<string> Owners)>();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using (var connection = await db.OpenAsync(ct))
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            foreach (var item in input.Items)
            {
                await endpoints.RecordStatsAsync(connection, tx, input.Plane, item, ct);
                if (item.DisabledAt is not long disabledAt)
                {
                    continue;
                }

                var reason = string.IsNullOrWhiteSpace(item.DisabledReason) ? "its deliveries kept failing" : item.DisabledReason.Trim();
                if (await endpoints.DisableAsync(connection, tx, input.Plane, item.TenantId, item.Id, disabledAt, reason, now, ct) is { } endpoint)
                {
                    await audit.WriteAsync(connection, tx, Actor.System(item.TenantId), "webhook.disabled", endpoint.Id, new
                    {
                        url = endpoint.Url,
                        environment = endpoint.Environment,
                        reason = endpoint.DisabledReason,
                        disabledAt = WebhookRules.At(disabledAt),
                    }, ct);
                    disabled.Add((endpoint, await users.OwnerEmailsAsync(connection, item.TenantId, ct, tx)));
                }
            }

            await tx.CommitAsync(ct);
        }

        if (disabled.Count == 0)
        {
            return [];
        }

        foreach (var (endpoint, owners) in disabled)
        {
            foreach (var owner in owners)
            {
                mail.SendDisabled(owner, endpoint);
            }
        }

        var ids = disabled.Select(d => d.Endpoint.Id).ToList();
        await sync.DeliverNowAsync(ids, ct);
        return ids;
    }
}
