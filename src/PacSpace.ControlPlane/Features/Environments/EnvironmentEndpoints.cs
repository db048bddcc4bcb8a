using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PacSpace.ControlPlane.Features.Auth;
using PacSpace.ControlPlane.Provisioning;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.Environments;

/// <summary>Both generations of the Environments API over the same rows.</summary>
internal static class EnvironmentEndpoints
{
    private const string AcceptedEnvironments = "sandbox, production (testnet and mainnet are accepted as aliases)";
    private const string AcceptedV36Environments = "testnet, mainnet (sandbox and production are accepted as aliases)";
    private const string ProvisioningMessage = "Environment is being provisioned. This usually takes a few seconds.";

    public static void Map(RouteGroupBuilder dashboard)
    {
        var current = dashboard.MapGroup("/environments").WithTags("Environments");
        current.MapGet("/environment-status", StatusAsync).Produces<StatusView>();
        current.MapPost("/provision", ProvisionAsync).AcceptsJson<ProvisionRequest>().Produces<ProvisionView>(202);
        current.MapGet("/", ListAsync).Produces<IntegrationView[]>();

        var v36 = dashboard.MapGroup("/contracts").WithTags("Environments (V3.6)");
        v36.MapPost("/provision", ProvisionV36Async).AcceptsJson<ProvisionRequest>().Produces<ContractProvisionView>(201);
        v36.MapGet("/{tenantId}/status", StatusV36Async).Produces<ContractStatusView>();
        v36.MapGet("/", ListV36Async).Produces<ContractView[]>();
    }

    public sealed record ProvisionRequest(string Environment);

    public sealed record EnvironmentState(
        string Status,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? ProvisionedAt,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error);

    public sealed record StatusView(EnvironmentState Sandbox, EnvironmentState Production);

    public sealed record ProvisionView(string Environment, string Status);

    public sealed record IntegrationView(string Id, string Environment, string Status, DateTimeOffset? ProvisionedAt, string ApiBaseUrl);

    public sealed record ContractProvisionView(string TenantId, string Environment, string Status, string Message);

    public sealed record ContractEnvironment(string Environment, string Status, DateTimeOffset? ProvisionedAt);

    public sealed record ContractStatusView(string TenantId, IReadOnlyList<ContractEnvironment> Environments);

    public sealed record ContractView(string Id, string TenantId, string Environment, string Status, DateTimeOffset? ProvisionedAt);

    internal static EnvironmentState StateOf(EnvironmentRow row) =>
        new(row.status, row.ProvisionedAt, row.status == Vocabulary.Failed ? row.last_error ?? "Activation failed." : null);

    private static async Task<IResult> StatusAsync(HttpContext http, Database db, CancellationToken ct)
    {
        var rows = await LoadAsync(db, http, ct);
        return Envelope.Ok(new StatusView(StateOf(rows[PacSpaceEnvironment.Sandbox]), StateOf(rows[PacSpaceEnvironment.Production])));
    }

    private static async Task<IResult> ProvisionAsync(HttpContext http, ProvisionEnvironment provision, CancellationToken ct)
    {
        var env = await ReadEnvironmentAsync(http, AcceptedEnvironments, ct);
        if (!env.IsSuccess)
        {
            return Envelope.Fail(env.Error!);
        }

        var outcome = await provision.HandleAsync(http.User.TenantIdOf(), http.User.UserIdOf(), env.Value, ct);
        return Envelope.From(outcome, o => o.Started
            ? Envelope.Ok(new ProvisionView(env.Value.Name(), o.Row.status), 202,
                "Activation started. Poll GET /dashboard/environments/environment-status until it is active.")
            : Envelope.Ok(new ProvisionView(env.Value.Name(), o.Row.status), 200, AlreadyMessage(o.Row.status)));
    }

    private static async Task<IResult> ListAsync(HttpContext http, Database db, PlaneClient planes, CancellationToken ct)
    {
        var rows = await LoadAsync(db, http, ct);
        return Envelope.Ok(rows.Values.Where(r => r.status != Vocabulary.None)
            .Select(r => new IntegrationView(r.id, r.Name.Name(), r.status, r.ProvisionedAt, planes.PublicUrl(r.Name)))
            .ToList());
    }

    private static async Task<IResult> ProvisionV36Async(HttpContext http, ProvisionEnvironment provision, CancellationToken ct)
    {
        var env = await ReadEnvironmentAsync(http, AcceptedV36Environments, ct);
        if (!env.IsSuccess)
        {
            return Envelope.Fail(env.Error!);
        }

        var tenantId = http.User.TenantIdOf();
        var outcome = await provision.HandleAsync(tenantId, http.User.UserIdOf(), env.Value, ct);
        return Envelope.From(outcome, o => o.Started
            ? Envelope.Ok(new ContractProvisionView(tenantId, env.Value.V36Name(), Vocabulary.V36Status(o.Row.status), ProvisioningMessage), 201)
            : Envelope.Ok(new ContractProvisionView(tenantId, env.Value.V36Name(), Vocabulary.V36Status(o.Row.status), AlreadyMessage(o.Row.status)), 200));
    }

    private static async Task<IResult> StatusV36Async(string tenantId, HttpContext http, Database db, CancellationToken ct)
    {
        // Another tenant's id is indistinguishable from an id that does not exist.
        if (!string.Equals(tenantId, http.User.TenantIdOf(), StringComparison.Ordinal))
        {
            return Envelope.Fail(Error.NotFound("tenant"));
        }

        var rows = await LoadAsync(db, http, ct);
        return Envelope.Ok(new ContractStatusView(tenantId,
        [
            V36Entry(rows[PacSpaceEnvironment.Sandbox]),
            V36Entry(rows[PacSpaceEnvironment.Production]),
        ]));
    }

    private static async Task<IResult> ListV36Async(HttpContext http, Database db, CancellationToken ct)
    {
        var rows = await LoadAsync(db, http, ct);
        return Envelope.Ok(rows.Values.Where(r => r.status != Vocabulary.None)
            .Select(r => new ContractView(r.id, r.tenant_id, r.Name.V36Name(), Vocabulary.V36Status(r.status), r.ProvisionedAt))
            .ToList());
    }

    private static ContractEnvironment V36Entry(EnvironmentRow row) =>
        new(row.Name.V36Name(), Vocabulary.V36Status(row.status), row.ProvisionedAt);

    private static string AlreadyMessage(string status) => status == Vocabulary.Active
        ? "The environment is already active."
        : "Activation is already in progress.";

    private static async Task<Dictionary<PacSpaceEnvironment, EnvironmentRow>> LoadAsync(Database db, HttpContext http, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await EnvironmentRows.ListAsync(connection, http.User.TenantIdOf(), ct);
        return rows.ToDictionary(r => r.Name);
    }

    private static async Task<Result<PacSpaceEnvironment>> ReadEnvironmentAsync(HttpContext http, string accepted, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync(http.Request, ct);
        if (!body.IsSuccess)
        {
            return body.Error!;
        }

        var env = body.Value.Enum("environment", required: true, PacSpaceEnvironments.DashboardNames, accepted);
        return body.Value.HasErrors ? body.Value.ToError() : env!.Value;
    }
}
