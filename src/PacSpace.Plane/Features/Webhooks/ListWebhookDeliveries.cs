using Microsoft.Extensions.Options;
using PacSpace.Contracts.Webhooks;
using PacSpace.Hosting.Errors;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Webhooks;

/// <summary>A tenant's delivery log on this plane, newest first: all deliveries, or those in one state, or to one endpoint.</summary>
internal sealed class ListWebhookDeliveries(WebhookDeliveryStore deliveries, EntryIds ids, IOptions<WebhookDeliveryOptions> options, IOptions<PlaneOptions> plane)
{
    public const int MaxLimit = 100;

    public sealed record Input(string TenantId, string? Status, string? EndpointId, int Limit, long Offset, IReadOnlyList<ErrorDetail> Problems);

    public async Task<Result<WebhookDeliveryPage>> HandleAsync(Input input, CancellationToken ct)
    {
        var problems = input.Problems.ToList();
        var state = input.Status is null ? null : WebhookDeliveryStates.Parse(input.Status);
        if (input.Status is not null && state is null)
        {
            problems.Add(new ErrorDetail("status", $"must be one of {string.Join(", ", WebhookDeliveryStates.All)} (or QUEUED, PROCESSING, VERIFIED, FAILED)"));
        }

        if (input.EndpointId is not null && !Hosting.Data.Ids.IsValid(input.EndpointId, "wh"))
        {
            problems.Add(new ErrorDetail("endpointId", "must be a webhook endpoint id (wh_…)"));
        }

        if (problems.Count > 0)
        {
            return Error.Validation(problems);
        }

        var (total, rows) = await deliveries.PageAsync(input.TenantId, state, input.EndpointId, input.Limit, input.Offset, ct);
        var max = options.Value.RetriesFor(plane.Value.EnvironmentName).Length + 1;
        return new WebhookDeliveryPage(rows.Select(r => WebhookDeliveryViews.Of(r, ids, max)).ToList(), new WebhookDeliveryPaging(input.Limit, input.Offset, total));
    }
}
