using PacSpace.Contracts.Webhooks;

namespace PacSpace.Plane.Features.Webhooks;

/// <summary>The stats feed the control plane pulls (<c>GET /internal/v1/webhooks/stats</c>): endpoints whose delivery counts or state changed, in change order, one page.</summary>
internal sealed class ListWebhookStats(WebhookDeliveryStore deliveries)
{
    public const int MaxPage = 1000;

    public sealed record Input(long? After, string? AfterId, int? Limit);

    public async Task<WebhookStatsPage> HandleAsync(Input input, CancellationToken ct) =>
        new(await deliveries.StatsAfterAsync(input.After ?? 0, input.AfterId ?? "", Math.Clamp(input.Limit ?? MaxPage, 1, MaxPage), ct));
}
