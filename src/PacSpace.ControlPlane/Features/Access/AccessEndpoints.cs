using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.Access;

internal static class AccessEndpoints
{
    public sealed record Request(string Name, string Email, string Organization, string? BuyerMode, string? UseCase);

    public static IServiceCollection AddAccess(this IServiceCollection services) =>
        services.AddSingleton<AccessRequestStore>().AddSingleton<ApprovalTokenStore>().AddSingleton<RequestAccess>().AddSingleton<ApproveAccess>();

    public static void MapAccess(this RouteGroupBuilder auth) =>
        auth.MapPost("/request-access", (HttpContext http, RequestAccess handler, CancellationToken ct) =>
            JsonInput.HandleAsync(http.Request, RequestAccess.Parse, async input =>
            {
                await handler.HandleAsync(input, ct);
                // Identical for new, duplicate and already-registered addresses.
                return Envelope.Ok<object?>(null, 202, "Thanks. If your request is approved you will receive an e-mail with a registration link.");
            }, ct)).AcceptsJson<Request>();
}
