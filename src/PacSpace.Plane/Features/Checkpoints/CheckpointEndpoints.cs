using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PacSpace.Hosting.Web;
using PacSpace.Plane.Features.Balances;
using PacSpace.Plane.Features.Keys;
using PacSpace.Plane.Features.Scopes;

namespace PacSpace.Plane.Features.Checkpoints;

/// <summary>
/// <c>POST /api/v1/balance/checkpoint</c>, <c>GET /checkpoints</c>, and the customer receipts built on them:
/// <c>GET /receipt/{customerId}</c> and <c>GET /invoice-proof/{customerId}</c>.
/// </summary>
internal static class CheckpointEndpoints
{
    /// <summary>The checkpoint body (optional; <c>{}</c> closes the current UTC month so far), for the OpenAPI document.</summary>
    public sealed record CheckpointRequest(string? CustomerId, string? Period, string? TimePreset, string? StartDate, string? EndDate, string? Mode);

    private static readonly (string, string)[] WindowParameters =
    [
        ("period", "YYYY-MM: one UTC calendar month"), ("timePreset", "current_month, previous_month, last_7_days, last_30_days, last_90_days, last_12_months or custom"),
        ("startDate", "ISO 8601 start (inclusive) of a custom window"), ("endDate", "ISO 8601 end (exclusive) of a custom window"),
    ];

    public static IServiceCollection AddCheckpoints(this IServiceCollection services) =>
        services.AddSingleton<PeriodCheckpoints>().AddSingleton<CreateCheckpoint>().AddSingleton<ListCheckpoints>().AddSingleton<GetReceipt>();

    public static void MapCheckpoints(this RouteGroupBuilder balance)
    {
        balance.MapPost("/checkpoint", CreateAsync).AcceptsJson<CheckpointRequest>().Produces<CheckpointView>(201);
        balance.MapGet("/checkpoints", async (HttpContext http, ListCheckpoints handler, CancellationToken ct) =>
            {
                var q = new QueryFields(http.Request.Query);
                var customerId = q.String("customerId");
                var limit = (int)q.Integer("limit", 20, 1, 100);
                var offset = q.Integer("offset", 0, 0, 1_000_000_000);
                var input = new ListCheckpoints.Input(customerId, limit, offset, q.Scope(), q.Errors, BaseUrl(http));
                return Envelope.From(await handler.HandleAsync(ApiCaller.Of(http), input, ct), list => Envelope.Ok(list));
            })
            .Produces<ListCheckpoints.CheckpointList>()
            .QueryParameters([("customerId", "only checkpoints holding this customer's balance"), .. WindowParameters, ("limit", "1–100 (default 20)"), ("offset", "default 0")]);
        balance.MapGet("/receipt/{customerId}", ReceiptAsync).Produces<GetReceipt.ReceiptView>().QueryParameters(WindowParameters);
        balance.MapGet("/invoice-proof/{customerId}", ReceiptAsync).Produces<GetReceipt.ReceiptView>().QueryParameters(WindowParameters);
    }

    private static async Task<IResult> CreateAsync(HttpContext http, CreateCheckpoint handler, CancellationToken ct)
    {
        var body = await JsonBody.ReadOptionalAsync(http.Request, ct);
        if (!body.IsSuccess)
        {
            return Envelope.Fail(body.Error!);
        }

        var made = await handler.HandleAsync(ApiCaller.Of(http), CreateCheckpoint.Input.Read(body.Value, BaseUrl(http)), ct);
        return Envelope.From(made, m => Envelope.Ok(m.Checkpoint, m.Created ? StatusCodes.Status201Created : StatusCodes.Status200OK));
    }

    private static async Task<IResult> ReceiptAsync(string customerId, HttpContext http, GetReceipt handler, CancellationToken ct)
    {
        customerId = RawPath.LastSegment(http, customerId);
        var q = new QueryFields(http.Request.Query);
        CustomerIds.Check(customerId, q.Errors);
        var input = new GetReceipt.Input(customerId, q.Scope(), q.Errors, BaseUrl(http));
        return Envelope.From(await handler.HandleAsync(ApiCaller.Of(http), input, ct), receipt => Envelope.Ok(receipt));
    }

    /// <summary>The plane's own URL as the caller reached it (verification needs no other host).</summary>
    private static string BaseUrl(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}";
}
