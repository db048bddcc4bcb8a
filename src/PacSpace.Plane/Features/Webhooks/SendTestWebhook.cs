using PacSpace.Contracts.Webhooks;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;

namespace PacSpace.Plane.Features.Webhooks;

/// <summary>
/// A test send (<c>ping</c>) to one of a tenant's enabled endpoints, at once, signed like every delivery; the outcome is
/// answered, not stored, and not retried. 404 when the endpoint is not an enabled endpoint of the tenant here.
/// </summary>
internal sealed class SendTestWebhook(WebhookEndpointStore endpoints, WebhookPayloads payloads, WebhookSender sender, TimeProvider time)
{
    public sealed record Input(string EndpointId, string? TenantId);

    public async Task<Result<WebhookTestResult>> HandleAsync(Input input, CancellationToken ct)
    {
        if (!Ids.IsValid(input.TenantId, "tnt"))
        {
            return Error.Validation("tenantId", "must be a tenant id (tnt_…)");
        }

        var endpoint = Ids.IsValid(input.EndpointId, "wh") ? await endpoints.FindActiveAsync(input.TenantId!, input.EndpointId, ct) : null;
        if (endpoint is null)
        {
            return new Error(404, ErrorCodes.NotFound, "No enabled webhook endpoint with this id on this plane.");
        }

        var (eventId, body) = payloads.Ping(endpoint.TenantId, endpoint.Id, time.GetUtcNow(), Ids.New("evt", time));
        var attempt = await sender.SendAsync(endpoint.Url, endpoint.Secrets, WebhookEvents.Ping, eventId, body, ct);
        return new WebhookTestResult(eventId, attempt.Delivered, attempt.StatusCode, attempt.LatencyMs, attempt.Response, attempt.Error);
    }
}
