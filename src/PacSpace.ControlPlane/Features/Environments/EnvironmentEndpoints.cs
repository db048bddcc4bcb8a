using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PacSpace.ControlPlane.Jobs;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.Environments;

/// <summary>Both generations of the Environments API over the same rows.</summary>
internal static class EnvironmentEndpoints
{
    private const string AcceptedEnvironments =
        $"{PacSpaceEnvironments.SandboxName}, {PacSpaceEnvironments.ProductionName} ({PacSpaceEnvironments.TestnetName} and {PacSpaceEnvironments.MainnetName} are accepted as aliases)";

    private const string AcceptedV36Environments =
        $"{PacSpaceEnvironments.TestnetName}, {PacSpaceEnvironments.MainnetName} ({PacSpaceEnvironments.SandboxName} and {PacSpaceEnvironments.ProductionName} are accepted as aliases)";

    private const string ProvisioningMessage = "Environment is being provisioned. This usually takes a few seconds.";

    public static IServiceCollection AddEnvironments(this IServiceCollection services, IConfiguration config) =>
        services.AddJobOptions<ProvisioningOptions>(config, "Provisioning")
            .AddSingleton<EnvironmentStore>()
            .AddSingleton<GetEnvironmentStatus>()
            .AddSingleton<ListEnvironments>()
            .AddSingleton<ProvisionEnvironment>()
            .AddSingleton<GetContractStatus>()
            .AddSingleton<ListContracts>()
            .AddLeasedJob<ProvisioningJob>();

    public static void MapEnvironments(this RouteGroupBuilder dashboard)
    {
        var current = dashboard.MapGroup("/environments").WithTags("Environments");
        current.MapGet("/environment-status", async (HttpContext http, GetEnvironmentStatus handler, CancellationToken ct) =>
            Envelope.Ok(await handler.HandleAsync(Actor.Api(http), ct))).Produces<GetEnvironmentStatus.StatusView>();
        current.MapPost("/provision", ProvisionAsync).AcceptsJson<ProvisionRequest>().Produces<ProvisionView>(202);
        current.MapGet("/", async (HttpContext http, ListEnvironments handler, CancellationToken ct) =>
            Envelope.Ok(await handler.HandleAsync(Actor.Api(http), ct))).Produces<ListEnvironments.IntegrationView[]>();

        var v36 = dashboard.MapGroup("/contracts").WithTags("Environments (V3.6)");
        v36.MapPost("/provision", ProvisionV36Async).AcceptsJson<ProvisionRequest>().Produces<ContractProvisionView>(201);
        v36.MapGet("/{tenantId}/status", async (string tenantId, HttpContext http, GetContractStatus handler, CancellationToken ct) =>
            Envelope.From(await handler.HandleAsync(Actor.Api(http), new GetContractStatus.Input(tenantId), ct), v => Envelope.Ok(v)))
            .Produces<GetContractStatus.ContractStatusView>();
        v36.MapGet("/", async (HttpContext http, ListContracts handler, CancellationToken ct) =>
            Envelope.Ok(await handler.HandleAsync(Actor.Api(http), ct))).Produces<ListContracts.ContractView[]>();
    }

    public sealed record ProvisionRequest(string Environment);

    public sealed record ProvisionView(string Environment, string Status);

    public sealed record ContractProvisionView(string TenantId, string Environment, string Status, string Message);

    private static async Task<IResult> ProvisionAsync(HttpContext http, ProvisionEnvironment provision, CancellationToken ct)
    {
        var outcome = await ProvisionFromBodyAsync(http, provision, AcceptedEnvironments, ct);
        return Envelope.From(outcome, o => o.Started
            ? Envelope.Ok(new ProvisionView(o.Row.Name.Name(), o.Row.Status), 202,
                "Activation started. Poll GET /dashboard/environments/environment-status until it is active.")
            : Envelope.Ok(new ProvisionView(o.Row.Name.Name(), o.Row.Status), 200, AlreadyMessage(o.Row.Status)));
    }

    private static async Task<IResult> ProvisionV36Async(HttpContext http, ProvisionEnvironment provision, CancellationToken ct)
    {
        var outcome = await ProvisionFromBodyAsync(http, provision, AcceptedV36Environments, ct);
        return Envelope.From(outcome, o =>
        {
            var view = new ContractProvisionView(o.Row.TenantId, o.Row.Name.V36Name(), Vocabulary.V36Status(o.Row.Status),
                o.Started ? ProvisioningMessage : AlreadyMessage(o.Row.Status));
            return Envelope.Ok(view, o.Started ? 201 : 200);
        });
    }

    private static string AlreadyMessage(string status) => status == Vocabulary.Active
        ? "The environment is already active."
        : "Activation is already in progress.";

    /// <summary>Reads <c>{ "environment": … }</c> (any spelling; <paramref name="accepted"/> names them in errors) and starts the activation.</summary>
    private static async Task<Result<ProvisionEnvironment.Output>> ProvisionFromBodyAsync(HttpContext http, ProvisionEnvironment provision, string accepted, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync(http.Request, ct);
        if (!body.IsSuccess)
        {
            return body.Error!;
        }

        var env = body.Value.Enum("environment", required: true, PacSpaceEnvironments.DashboardNames, accepted);
        if (body.Value.HasErrors)
        {
            return body.Value.ToError();
        }

        return await provision.HandleAsync(Actor.Api(http), new ProvisionEnvironment.Input(env!.Value), ct);
    }
}
