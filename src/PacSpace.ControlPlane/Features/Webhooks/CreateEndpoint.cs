using Microsoft.Extensions.Options;
using PacSpace.Contracts.Webhooks;
using PacSpace.ControlPlane.Features.Audit;
using PacSpace.ControlPlane.Features.Auth;
using PacSpace.ControlPlane.Features.Environments;
using PacSpace.ControlPlane.Planes;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.Webhooks;

/// <summary>
/// Creates an endpoint in one of the actor's environments (the user's preferred one unless named) and delivers it to that
/// environment's plane; the answer is the only place its first secret ever appears.
/// </summary>
internal sealed class CreateEndpoint(
    Database db,
    WebhookEndpointStore endpoints,
    UserStore users,
    AuditStore audit,
    PlaneSync<WebhookPlaneSync> sync,
    IOptions<WebhooksOptions> options,
    TimeProvider time)
{
    /// <param name="Events">In catalog order; the whole catalog when the body names none.</param>
    /// <param name="Environment">Null: the user's preferred environment.</param>
    public sealed record Input(Uri Url, string? Description, IReadOnlyList<string> Events, PacSpaceEnvironment? Environment)
    {
        public static Result<Input> Read(FieldReader fields)
        {
            var url = WebhookUrl.Read(fields, required: true);
            var description = WebhookRules.ReadDescription(fields);
            var events = fields.Has("events") ? WebhookRules.ReadEvents(fields) : WebhookEvents.Catalog;
            var env = fields.Enum("environment", required: false, WebhookRules.Environments, WebhookRules.AcceptedEnvironments);
            return fields.HasErrors ? fields.ToError() : new Input(url!, description is "" ? null : description, events!, env);
        }
    }

    public async Task<Result<CreatedWebhookView>> HandleAsync(Actor actor, Input input, CancellationToken ct)
    {
        var o = options.Value;
        await using var connection = await db.OpenAsync(ct);
        var env = input.Environment
            ?? (actor.UserId is { } userId ? await users.PreferredEnvironmentAsync(connection, userId, ct) : PacSpaceEnvironment.Sandbox);
        if ((await WebhookUrl.CheckAsync(input.Url, env, o, ct) ?? await EnvironmentGate.CheckAsync(connection, actor.TenantId, env, WebhookRules.EndpointsOf(env), ct))
            is { } refused)
        {
            return refused;
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var id = Ids.New("wh", time);
        var secret = WebhookRules.NewSecret();
        var url = input.Url.OriginalString;
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            var stored = new WebhookEndpointStore.NewEndpoint(id, actor.TenantId, env, url, input.Description, WebhookEvents.Store(input.Events), secret, actor.UserId, now);
            if (!await endpoints.InsertAsync(connection, tx, stored, o.MaxEndpointsPerEnvironment, ct))
            {
                return WebhookRules.LimitReached(env, o.MaxEndpointsPerEnvironment);
            }

            await audit.WriteAsync(connection, tx, actor, "webhook.created", id,
                new { url, environment = env.Name(), events = input.Events, description = input.Description }, ct);
            await tx.CommitAsync(ct);
        }

        var status = await sync.DeliverNowAsync([id], ct);
        return new CreatedWebhookView(id, url, input.Description, env.Name(), input.Events, true, WebhookRules.At(now), secret, status);
    }
}
