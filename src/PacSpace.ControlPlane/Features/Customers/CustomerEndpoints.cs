using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PacSpace.Contracts.Customers;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.Customers;

/// <summary>
/// <c>POST /dashboard/customers</c> on the control plane: a signed-in user (JWT, or cookie with the CSRF header) creates a
/// customer in one environment; the plane of that environment stores it. The same route on each plane's own host serves
/// clients that send it to their key's base URL.
/// </summary>
internal static class CustomerEndpoints
{
    public const string EnvironmentHeader = "X-Environment";

    private const string AcceptedEnvironments = "sandbox, production (testnet, mainnet, test and live are accepted too)";

    /// <summary>The documented body; it is read on the plane, field by field.</summary>
    public sealed record CreateRequest(string DisplayName, string? CustomerId, string? SharingStateHint, string? EventCadence, string? UnitLabel);

    public static IServiceCollection AddCustomers(this IServiceCollection services) => services.AddSingleton<CreateCustomer>();

    public static void MapCustomers(this RouteGroupBuilder dashboard) =>
        dashboard.MapPost("/customers", CreateAsync).WithTags("Customers")
            .AcceptsJson<CreateRequest>().Produces<CustomerProfileInfo>(201).Produces<CustomerProfileInfo>(200)
            .QueryParameters(("environment",
                "sandbox or production; also the X-Environment header. Default: the environment of the X-Api-Key sent with the request, else the user's preferred one"));

    private static async Task<IResult> CreateAsync(HttpContext http, CreateCustomer handler, CancellationToken ct)
    {
        var errors = new List<ErrorDetail>();
        var fromHeader = Environment(http.Request.Headers[EnvironmentHeader].ToString(), EnvironmentHeader, errors);
        var fromQuery = Environment(http.Request.Query["environment"].ToString(), "environment", errors);
        if (fromHeader is not null && fromQuery is not null && fromHeader != fromQuery)
        {
            errors.Add(new ErrorDetail("environment", $"names another environment than the {EnvironmentHeader} header; send one of them"));
        }

        var key = IdempotencyKey.Read(http.Request);
        if (!key.IsSuccess)
        {
            errors.AddRange(key.Error!.Details ?? []);
        }

        if (errors.Count > 0)
        {
            return Envelope.Fail(Error.Validation(errors));
        }

        var apiKey = http.Request.Headers["X-Api-Key"];
        if (apiKey.Count > 1)
        {
            return Envelope.Fail(new Error(401, ErrorCodes.InvalidApiKey, "Send one X-Api-Key header."));
        }

        var body = await JsonBody.ReadAsync(http.Request, ct);
        if (!body.IsSuccess)
        {
            return Envelope.Fail(body.Error!);
        }

        var input = new CreateCustomer.Input(apiKey.Count == 1 && apiKey[0] is { Length: > 0 } text ? text : null, fromHeader ?? fromQuery, body.Value.RawText, key.Value);
        return Envelope.From(await handler.HandleAsync(Actor.Api(http), input, ct), made => made.Created
            ? Envelope.Ok(made.Customer, StatusCodes.Status201Created, $"Customer {made.Customer.CustomerId} created in {made.Customer.Environment}.")
            : Envelope.Ok(made.Customer, StatusCodes.Status200OK, $"Customer {made.Customer.CustomerId} already exists in {made.Customer.Environment} with these details."));
    }

    private static PacSpaceEnvironment? Environment(string text, string field, List<ErrorDetail> errors)
    {
        if (text.Length == 0)
        {
            return null;
        }

        if (PacSpaceEnvironments.TryParseAny(text, out var env))
        {
            return env;
        }

        errors.Add(new ErrorDetail(field, $"must be one of {AcceptedEnvironments}"));
        return null;
    }
}
