using Microsoft.Extensions.Options;
using PacSpace.Contracts.Webhooks;
using PacSpace.ControlPlane.Features.Audit;
using PacSpace.ControlPlane.Planes;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.Webhooks;

/// <summary>
/// Changes an endpoint's URL, description, events or enabled flag. What the plane uses (all but the description) is
/// delivered to it before answering; a new URL is checked as at creation.
/// </summary>
internal sealed class UpdateEndpoint(
    Database db,
    WebhookEndpointStore endpoints,
    AuditStore audit,
    PlaneSync<WebhookPlaneSync> sync,
    IOptions<WebhooksOptions> options,
    TimeProvider time)
{
    /// <param name="Description">"" clears it; null leaves it.</param>
    public sealed record Input(string Id, Uri? Url, string? Description, IReadOnlyList<string>? Events, bool? Enabled)
    {
        public static Result<Input> Read(string id, FieldReader fields)
        {
            var url = WebhookUrl.Read(fields, required: false);
            var description = WebhookRules.ReadDescription(fields);
            var events = WebhookRules.ReadEvents(fields);
            var enabled = fields.Bool("enabled", required: false);
            if (!fields.HasErrors && url is null && description is null && events is null && enabled is null)
            {
                fields.Add("body", "send url, description, events, enabled or several of them");
            }

            return fields.HasErrors ? fields.ToError() : new Input(id, url, description, events, enabled);
        }
    }

    public async Task<Result<WebhookView>> HandleAsync(Actor actor, Input input, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var found = await WebhookRules.FindAsync(endpoints, connection, actor.TenantId, input.Id, ct);
        if (!found.IsSuccess)
        {
            return found.Error!;
        }

        var row = found.Value;
        var url = input.Url?.OriginalString ?? row.Url;
        if (url != row.Url && await WebhookUrl.CheckAsync(input.Url!, row.Env, options.Value, ct) is { } refused)
        {
            return refused;
        }

        var description = input.Description is null ? row.Description : input.Description.Length == 0 ? null : input.Description;
        var events = input.Events is null ? row.Events : WebhookEvents.Store(input.Events);
        var enabled = input.Enabled ?? row.IsEnabled;
        var changed = new Dictionary<string, object?>();
        Note(changed, "url", row.Url, url);
        Note(changed, "events", row.EventList, WebhookEvents.Parse(events), events != row.Events);
        Note(changed, "description", row.Description, description);
        var toggled = enabled != row.IsEnabled;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (changed.Count > 0 || toggled)
        {
            // The plane neither needs nor receives the description.
            var queueDelivery = toggled || changed.ContainsKey("url") || changed.ContainsKey("events");
            await using (var tx = await connection.BeginTransactionAsync(ct))
            {
                await endpoints.UpdateAsync(connection, tx, row.Id, url, description, events, enabled, queueDelivery, now, ct);
                if (changed.Count > 0)
                {
                    await audit.WriteAsync(connection, tx, actor, "webhook.updated", row.Id, changed, ct);
                }

                if (toggled)
                {
                    await audit.WriteAsync(connection, tx, actor, enabled ? "webhook.enabled" : "webhook.disabled", row.Id, new { url }, ct);
                }

                await tx.CommitAsync(ct);
            }

            if (queueDelivery)
            {
                await sync.DeliverNowAsync([row.Id], ct);
            }
        }

        var updated = await endpoints.FindAsync(connection, row.TenantId, row.Id, ct);
        return updated is null ? Error.NotFound("webhook endpoint") : WebhookView.Of(updated, now);
    }

    private static void Note<T>(Dictionary<string, object?> changed, string field, T from, T to, bool? differs = null)
    {
        if (differs ?? !EqualityComparer<T>.Default.Equals(from, to))
        {
            changed[field] = new { from, to };
        }
    }
}
