namespace PacSpace.ControlPlane.Features.Webhooks;

/// <summary>One page of the tenant's endpoints, newest first, optionally of one environment; never a secret.</summary>
internal sealed class ListEndpoints(WebhookEndpointStore endpoints, TimeProvider time)
{
    public sealed record Input(PacSpaceEnvironment? Environment, int Page, int Limit);

    public async Task<WebhookList> HandleAsync(Actor actor, Input input, CancellationToken ct)
    {
        var (total, rows) = await endpoints.ListAsync(actor.TenantId, input.Environment, input.Page, input.Limit, ct);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return new WebhookList(rows.Select(r => WebhookView.Of(r, now)).ToList(),
            new WebhookPagination(input.Page, input.Limit, total, (total + input.Limit - 1) / input.Limit));
    }
}
