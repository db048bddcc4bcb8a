using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;
using PacSpace.Plane.Features.Keys;
using PacSpace.Plane.Features.Scopes;

namespace PacSpace.Plane.Features.Balances;

/// <summary><c>GET /api/v1/balance/customers</c>, <c>/customers/{customerId}</c> and <c>/gaps/{customerId}</c>.</summary>
internal static class CustomerEndpoints
{
    public static void MapCustomers(this RouteGroupBuilder balance)
    {
        balance.MapGet("/customers", ListAsync).Produces<ListCustomers.CustomerList>()
            .QueryParameters(("search", "case-insensitive part of the customer id"), ("page", "from 1 (default 1)"), ("limit", "1–100 (default 25)"));
        balance.MapGet("/customers/{customerId}", async (string customerId, HttpContext http, GetCustomer handler, CancellationToken ct) =>
            {
                customerId = RawPath.LastSegment(http, customerId);
                var q = new QueryFields(http.Request.Query);
                var page = (int)q.Integer("deltaPage", 1, 1, 1_000_000);
                var limit = (int)q.Integer("deltaLimit", 20, 1, 100);
                var input = new GetCustomer.Input(customerId, q.String("period"), page, limit, q.Errors);
                return Envelope.From(await handler.HandleAsync(ApiCaller.Of(http), input, ct), detail => Envelope.Ok(detail));
            })
            .Produces<GetCustomer.CustomerDetail>()
            .QueryParameters(("period", "YYYY-MM: the period's figures and activity"), ("deltaPage", "from 1 (default 1)"), ("deltaLimit", "1–100 (default 20)"));
        balance.MapGet("/gaps/{customerId}", GapsAsync).Produces<CheckGaps.GapsView>()
            .QueryParameters(("fromSequence", "first customerSeq checked (default 1)"), ("toSequence", "last customerSeq checked (default the latest)"), ("limit", "1–10000 (default 1000)"));
    }

    private static async Task<IResult> ListAsync(HttpContext http, ListCustomers handler, CancellationToken ct)
    {
        var q = new QueryFields(http.Request.Query);
        var search = q.String("search");
        var page = (int)q.Integer("page", 1, 1, 1_000_000);
        var limit = (int)q.Integer("limit", 25, 1, 100);
        if (search is { Length: > 256 })
        {
            q.Errors.Add(new ErrorDetail("search", "must be at most 256 characters"));
        }

        return q.Errors.Count > 0
            ? Envelope.Fail(Error.Validation(q.Errors))
            : Envelope.Ok(await handler.HandleAsync(ApiCaller.Of(http), new ListCustomers.Input(search, page, limit), ct));
    }

    private static async Task<IResult> GapsAsync(string customerId, HttpContext http, CheckGaps handler, CancellationToken ct)
    {
        customerId = RawPath.LastSegment(http, customerId);
        var q = new QueryFields(http.Request.Query);
        var from = q.Integer("fromSequence", 1, 1, CheckGaps.Latest);
        var toGiven = q.String("toSequence") is not null;
        var to = q.Integer("toSequence", CheckGaps.Latest, 1, CheckGaps.Latest);
        var limit = (int)q.Integer("limit", 1000, 1, 10_000);
        if (toGiven && to < from)
        {
            q.Errors.Add(new ErrorDetail("toSequence", "must not be below fromSequence"));
        }

        return q.Errors.Count > 0
            ? Envelope.Fail(Error.Validation(q.Errors))
            : Envelope.From(await handler.HandleAsync(ApiCaller.Of(http), new CheckGaps.Input(customerId, from, to, limit), ct), gaps => Envelope.Ok(gaps));
    }
}
