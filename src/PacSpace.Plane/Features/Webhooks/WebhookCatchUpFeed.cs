using System.Data.Common;
using Microsoft.Extensions.Options;
using PacSpace.Contracts.Webhooks;
using PacSpace.Plane.Sync;

namespace PacSpace.Plane.Features.Webhooks;

/// <summary>Endpoint states the control plane could not deliver while this plane was down.</summary>
internal sealed class WebhookCatchUpFeed(ApplyWebhookEndpoint apply, IOptions<PlaneOptions> options) : CatchUpFeed<WebhookEndpointState>
{
    public override string Name => "webhook endpoint changes";

    public override string Route => "webhooks";

    public override string Environment => options.Value.EnvironmentName;

    protected override async Task<bool> ApplyAsync(DbConnection connection, WebhookEndpointState state, CancellationToken cancellationToken) =>
        ApplyWebhookEndpoint.Validate(state.Id, state, options.Value) is null
        && await apply.ApplyValidAsync(connection, state, cancellationToken) is { IsSuccess: true, Value: true };
}
