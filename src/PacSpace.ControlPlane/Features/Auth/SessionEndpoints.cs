using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PacSpace.Contracts.Auth;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Json;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>
/// <c>/dashboard/auth/sessions</c>: the signed-in user's open sessions, and ending one of them; and
/// <c>POST /internal/v1/authorize-user</c>, where a plane asks whether a dashboard credential names an open session of a tenant.
/// </summary>
internal static class SessionEndpoints
{
    public static IServiceCollection AddSessions(this IServiceCollection services) => services
        .AddSingleton<Sessions>()
        .AddSingleton<AuthorizeUser>()
        .AddSingleton<ListSessions>()
        .AddSingleton<EndSession>();

    public static void MapUserAuthorization(this RouteGroupBuilder internalApi) =>
        internalApi.MapPost("/authorize-user", async (HttpRequest request, AuthorizeUser handler, CancellationToken ct) =>
        {
            AuthorizeUserRequest? input;
            try
            {
                input = await JsonSerializer.DeserializeAsync<AuthorizeUserRequest>(request.Body, JsonDefaults.Options, ct);
            }
            catch (JsonException ex)
            {
                return Envelope.Fail(Error.Validation("body", ex.Message));
            }

            return Envelope.From(await handler.HandleAsync(input, ct), verdict => Envelope.Ok(verdict));
        });

    public static void MapSessions(this RouteGroupBuilder account)
    {
        account.MapGet("/sessions", async (HttpContext http, ListSessions handler, CancellationToken ct) =>
            Envelope.Ok(await handler.HandleAsync(Actor.Api(http), new ListSessions.Input(http.User.SessionIdOf()), ct)))
            .Produces<ListSessions.Output>();
        account.MapDelete("/sessions/{id}", async (string id, HttpContext http, EndSession handler, IOptions<AuthOptions> options, CancellationToken ct) =>
            Envelope.From(await handler.HandleAsync(Actor.Api(http), new EndSession.Input(id, http.User.SessionIdOf()), ct), ended =>
            {
                if (ended.Current)
                {
                    SessionCookie.Delete(http, options.Value);
                }

                return Envelope.Ok(ended, 200, ended.Current
                    ? "Session ended. It was this one: log in again to continue."
                    : "Session ended. Its cookie and token no longer work.");
            }))
            .Produces<EndSession.Output>();
    }
}
