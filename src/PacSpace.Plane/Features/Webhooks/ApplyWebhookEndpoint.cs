using System.Data.Common;
using Microsoft.Extensions.Options;
using PacSpace.Contracts.Webhooks;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Plane.Log;

namespace PacSpace.Plane.Features.Webhooks;

/// <summary>
/// An endpoint's latest state delivered by the control plane (<c>PUT /internal/v1/webhooks/{id}</c>): idempotent and
/// ordered by version, so an older state never overwrites a newer one. Only endpoints of this plane's environment, of a
/// tenant whose environment is active here, are taken.
/// </summary>
internal sealed class ApplyWebhookEndpoint(Database db, WebhookEndpointStore endpoints, IOptions<PlaneOptions> options)
{
    public const int MaxUrlLength = 2048;

    /// <summary>The current secret and, during a rotation overlap, the previous one.</summary>
    public const int MaxSecrets = 2;

    public sealed record Input(string Id, WebhookEndpointState? State);

    public sealed record Output(string Id, long Version, bool Applied);

    public async Task<Result<Output>> HandleAsync(Input input, CancellationToken ct)
    {
        if (Validate(input.Id, input.State, options.Value) is { } invalid)
        {
            return invalid;
        }

        await using var connection = await db.OpenAsync(ct);
        var applied = await ApplyValidAsync(connection, input.State!, ct);
        return applied.IsSuccess ? new Output(input.Id, input.State!.Version, applied.Value) : applied.Error!;
    }

    /// <summary>Stores a state <see cref="Validate"/> accepted, if the tenant's environment is active here; true when it changed anything.</summary>
    public async Task<Result<bool>> ApplyValidAsync(DbConnection connection, WebhookEndpointState state, CancellationToken ct) =>
        await TenantLedgerStore.ExistsAsync(connection, state.TenantId, ct)
            ? await endpoints.ApplyAsync(connection, state, ct)
            : new Error(412, ErrorCodes.ContractNotDeployed, $"The tenant's {options.Value.EnvironmentName} environment is not active on this plane.");

    public static Error? Validate(string id, WebhookEndpointState? s, PlaneOptions plane)
    {
        if (s is null)
        {
            return Error.Validation("body", "must be a webhook endpoint state object");
        }

        var errors = new List<ErrorDetail>();
        if (!Ids.IsValid(id, "wh") || s.Id != id)
        {
            errors.Add(new ErrorDetail("id", "must be a webhook endpoint id (wh_…) and match the route"));
        }

        if (!Ids.IsValid(s.TenantId, "tnt"))
        {
            errors.Add(new ErrorDetail("tenantId", "must be a tenant id (tnt_…)"));
        }

        if (s.Url is not { Length: > 0 and <= MaxUrlLength } || !Uri.TryCreate(s.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            errors.Add(new ErrorDetail("url", $"must be an absolute http(s) URL of at most {MaxUrlLength} characters"));
        }

        if (s.Events is not { Count: > 0 } || s.Events.Any(e => e is null || !WebhookEvents.IsInCatalog(e)) || s.Events.Distinct().Count() != s.Events.Count)
        {
            errors.Add(new ErrorDetail("events", $"must list event types of the catalog, each once: {WebhookEvents.CatalogList}"));
        }

        if (!s.Deleted && (s.Secrets is not { Count: > 0 and <= MaxSecrets }
                || s.Secrets.Any(x => x?.Secret is null || !x.Secret.StartsWith(WebhookSigningSecret.Prefix, StringComparison.Ordinal) || x.Secret.Length <= WebhookSigningSecret.Prefix.Length)))
        {
            errors.Add(new ErrorDetail("secrets", $"must hold 1 to {MaxSecrets} secrets ({WebhookSigningSecret.Prefix}…) unless the endpoint is deleted"));
        }

        if (s.Version < 1)
        {
            errors.Add(new ErrorDetail("version", "must be 1 or more"));
        }

        if (errors.Count > 0)
        {
            return Error.Validation(errors);
        }

        // The other environment's endpoints are never stored here.
        return s.Environment == plane.EnvironmentName
            ? null
            : new Error(403, ErrorCodes.EnvironmentMismatch, $"This is the {plane.EnvironmentName} plane; it holds only {plane.EnvironmentName} webhook endpoints.");
    }
}
