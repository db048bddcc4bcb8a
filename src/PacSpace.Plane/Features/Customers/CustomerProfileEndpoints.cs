using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PacSpace.Contracts.Customers;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;
using PacSpace.Plane.Features.Keys;

namespace PacSpace.Plane.Features.Customers;

/// <summary>
/// <c>POST /dashboard/customers</c> on the plane's own host, where the official clients send <c>customers.create</c> (to the
/// key's base URL, with both the API key and the dashboard token): the key picks the tenant and environment, the token must
/// name an open session of a user of that tenant (<see cref="DashboardUsers"/>), so a Balance API key alone creates no
/// customer. <c>POST /internal/v1/tenants/{tenantId}/customers</c>: the same use case for the control plane's route.
/// </summary>
internal static class CustomerProfileEndpoints
{
    public const string BearerScheme = "DashboardToken";

    private const string CsrfHeader = "X-Pacspace-CSRF";

    private static readonly Error NoToken = Error.Unauthenticated(
        "Creating customers needs a dashboard token besides the API key: send Authorization: Bearer <accessToken> (from POST /dashboard/auth/login) "
        + "of a user of the key's account, with the X-Api-Key.");

    private static readonly Error NoCsrf = new(403, ErrorCodes.CsrfRequired, $"Cookie-authenticated requests that change data must send the header {CsrfHeader}: 1.");

    /// <summary>The body, for the OpenAPI document; it is read field by field (<see cref="CreateCustomer.Input.Read"/>).</summary>
    public sealed record CreateRequest(string DisplayName, string? CustomerId, string? SharingStateHint, string? EventCadence, string? UnitLabel);

    public static IServiceCollection AddCustomerProfiles(this IServiceCollection services)
    {
        services.AddSingleton<CreateCustomer>().AddSingleton<DashboardUsers>();
        services.AddHttpClient(nameof(DashboardUsers));
        return services;
    }

    public static void MapCustomerCreation(this IEndpointRouteBuilder app) =>
        app.MapPost("/dashboard/customers", CreateAsync).WithMetadata(ApiKeyRequired.Instance).WithTags("Customers")
            .AcceptsJson<CreateRequest>().Produces<CustomerProfileInfo>(201).Produces<CustomerProfileInfo>(200)
            .AddOpenApiOperationTransformer((operation, context, _) =>
            {
                operation.Security ??= [];
                operation.Security.Add(new Microsoft.OpenApi.OpenApiSecurityRequirement
                {
                    [new Microsoft.OpenApi.OpenApiSecuritySchemeReference(PlaneModule.ApiKeyScheme, context.Document)] = [],
                    [new Microsoft.OpenApi.OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [],
                });
                return Task.CompletedTask;
            });

    public static void MapCustomerProvisioning(this RouteGroupBuilder internalApi) =>
        internalApi.MapPost("/tenants/{tenantId}/customers", async (string tenantId, HttpContext http, CreateCustomer handler, CancellationToken ct) =>
        {
            var user = http.Request.Headers[CustomerProvisioning.UserHeader].ToString();
            return await CreateForAsync(http, handler, tenantId, user.Length == 0 ? null : user, ct);
        });

    private static async Task<IResult> CreateAsync(HttpContext http, DashboardUsers users, CreateCustomer handler, IOptions<PlaneOptions> options, CancellationToken ct)
    {
        var caller = ApiCaller.Of(http);
        DashboardUsers.Credential credential;
        var authorization = http.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization["Bearer ".Length..].Trim() is { Length: > 0 } token)
        {
            credential = new(token, null);
        }
        else if (authorization.Length == 0 && http.Request.Cookies.TryGetValue(options.Value.SessionCookieName, out var cookie) && !string.IsNullOrEmpty(cookie))
        {
            // The X-Api-Key header already keeps a cross-site form out; the CSRF header is asked for all the same, as on the dashboard.
            if (http.Request.Headers[CsrfHeader] != "1")
            {
                return Envelope.Fail(NoCsrf);
            }

            credential = new(null, cookie);
        }
        else
        {
            return Envelope.Fail(NoToken);
        }

        var user = await users.AuthorizeAsync(caller.TenantId, credential, ct);
        return user.IsSuccess ? await CreateForAsync(http, handler, caller.TenantId, user.Value, ct) : Envelope.Fail(user.Error!);
    }

    private static async Task<IResult> CreateForAsync(HttpContext http, CreateCustomer handler, string tenantId, string? userId, CancellationToken ct)
    {
        var key = IdempotencyKey.Read(http.Request);
        if (!key.IsSuccess)
        {
            return Envelope.Fail(key.Error!);
        }

        var body = await JsonBody.ReadAsync(http.Request, ct);
        if (!body.IsSuccess)
        {
            return Envelope.Fail(body.Error!);
        }

        var input = CreateCustomer.Input.Read(body.Value, key.Value);
        if (!input.IsSuccess)
        {
            return Envelope.Fail(input.Error!);
        }

        return Envelope.From(await handler.HandleAsync(tenantId, userId, input.Value, ct),
            outcome => Envelope.Ok(outcome.Customer, outcome.Created ? StatusCodes.Status201Created : StatusCodes.Status200OK));
    }
}
