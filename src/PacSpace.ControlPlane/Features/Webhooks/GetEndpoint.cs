using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;

namespace PacSpace.ControlPlane.Features.Webhooks;

/// <summary>One endpoint of the actor's tenant; never its secret.</summary>
internal sealed class GetEndpoint(Database db, WebhookEndpointStore endpoints, TimeProvider time)
{
    public sealed record Input(string Id);

    public async Task<Result<WebhookView>> HandleAsync(Actor actor, Input input, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var found = await WebhookRules.FindAsync(endpoints, connection, actor.TenantId, input.Id, ct);
        return found.IsSuccess ? WebhookView.Of(found.Value, time.GetUtcNow().ToUnixTimeMilliseconds()) : found.Error!;
    }
}
