using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.Billing;

internal static class BillingEndpoints
{
    public sealed record ChangeRequest(string Tier);

    public static IServiceCollection AddBilling(this IServiceCollection services) =>
        services.AddSingleton<TenantStore>().AddSingleton<GetPlan>().AddSingleton<ChangePlan>();

    public static void MapBilling(this RouteGroupBuilder dashboard)
    {
        var billing = dashboard.MapGroup("/billing").WithTags("Billing");
        billing.MapGet("/plan", async (HttpContext http, GetPlan handler, CancellationToken ct) =>
            Envelope.From(await handler.HandleAsync(Actor.Api(http), ct), v => Envelope.Ok(v))).Produces<PlanView>();
        billing.MapPost("/plan", (HttpContext http, ChangePlan handler, CancellationToken ct) =>
            JsonInput.HandleAsync(http.Request, ReadTier, async input =>
                Envelope.From(await handler.HandleAsync(Actor.Api(http), input, ct), v => Envelope.Ok(v, 200, $"Plan changed to {v.Tier}.")), ct))
            .AcceptsJson<ChangeRequest>().Produces<PlanView>();
    }

    private static Result<ChangePlan.Input> ReadTier(FieldReader f)
    {
        // Not trimmed: " pilot" is not a tier, and accepting it would hide a client bug.
        var tier = f.String("tier", required: true, 1, 32, trim: false);
        return f.HasErrors ? f.ToError() : new ChangePlan.Input(tier!);
    }
}
