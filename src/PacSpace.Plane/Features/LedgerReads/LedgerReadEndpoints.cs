using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PacSpace.Contracts.Reads;
using PacSpace.Hosting.Web;
using PacSpace.Plane.Features.Records;
using PacSpace.Plane.Features.Scopes;

namespace PacSpace.Plane.Features.LedgerReads;

/// <summary>
/// The read-only internal routes behind the dashboard's pages of an environment's data, under
/// <c>/internal/v1/tenants/{tenantId}</c> (the internal group: service secret required). The tenant is the route's; every
/// read is filtered by it, so another tenant's customer, delta or record is a 404 like an unknown one. Bad query values are
/// a 400 naming each field.
/// </summary>
internal static class LedgerReadEndpoints
{
    public const int DefaultLimit = 25;

    /// <summary>The latest time a window may name (Unix ms of 9999-12-31).</summary>
    private const long MaxTime = 253_402_300_799_999;

    public static IServiceCollection AddLedgerReads(this IServiceCollection services) =>
        services.AddSingleton<ReadCustomers>().AddSingleton<ReadCustomer>().AddSingleton<ReadDeltas>().AddSingleton<ReadDelta>()
            .AddSingleton<ReadCheckpoints>().AddSingleton<ReadRecords>().AddSingleton<ReadRecord>().AddSingleton<ReadUsage>();

    public static void MapLedgerReads(this RouteGroupBuilder internalApi)
    {
        var tenant = internalApi.MapGroup("/tenants/{tenantId}");
        tenant.MapGet("/customers", async (string tenantId, HttpContext http, ReadCustomers handler, CancellationToken ct) =>
        {
            var q = new QueryFields(http.Request.Query);
            var input = new ReadCustomers.Input(tenantId, q.String("by"), q.String("search"), q.String(ReadCursor.Field), Limit(q), q.Errors);
            return Envelope.From(await handler.HandleAsync(input, ct), list => Envelope.Ok(list));
        });
        tenant.MapGet("/customers/{customerId}", async (string tenantId, string customerId, HttpContext http, ReadCustomer handler, CancellationToken ct) =>
        {
            var q = new QueryFields(http.Request.Query);
            var input = new ReadCustomer.Input(tenantId, RawPath.LastSegment(http, customerId), q.String(ReadCursor.Field), Limit(q), q.Errors);
            return Envelope.From(await handler.HandleAsync(input, ct), detail => Envelope.Ok(detail));
        });
        tenant.MapGet("/deltas", DeltasAsync);
        tenant.MapGet("/deltas/{recordId}", async (string tenantId, string recordId, HttpContext http, ReadDelta handler, CancellationToken ct) =>
            Envelope.From(await handler.HandleAsync(new ReadDelta.Input(tenantId, RawPath.LastSegment(http, recordId)), ct), detail => Envelope.Ok(detail)));
        tenant.MapGet("/checkpoints", async (string tenantId, HttpContext http, ReadCheckpoints handler, CancellationToken ct) =>
        {
            var q = new QueryFields(http.Request.Query);
            var input = new ReadCheckpoints.Input(tenantId, q.String("customerId"), q.String(ReadCursor.Field), Limit(q), q.Errors);
            return Envelope.From(await handler.HandleAsync(input, ct), list => Envelope.Ok(list));
        });
        tenant.MapGet("/records", async (string tenantId, HttpContext http, ReadRecords handler, CancellationToken ct) =>
        {
            var q = new QueryFields(http.Request.Query);
            var input = new ReadRecords.Input(tenantId, q.String("recordType"), q.String(ReadCursor.Field), Limit(q), q.Errors);
            return Envelope.From(await handler.HandleAsync(input, ct), list => Envelope.Ok(list));
        });
        tenant.MapGet("/records/{recordType}/{entityId}", async (string tenantId, string recordType, string entityId, HttpContext http, ReadRecord handler,
            CancellationToken ct) =>
        {
            var q = new QueryFields(http.Request.Query);
            var from = q.Integer("fromSeq", 0, 0, NewTransition.MaxWhole);
            var input = new ReadRecord.Input(tenantId, RawPath.SegmentFromEnd(http, 2, recordType), RawPath.SegmentFromEnd(http, 1, entityId), from, Limit(q), q.Errors);
            return Envelope.From(await handler.HandleAsync(input, ct), history => Envelope.Ok(history));
        });
        tenant.MapGet("/usage", async (string tenantId, HttpContext http, ReadUsage handler, CancellationToken ct) =>
        {
            var q = new QueryFields(http.Request.Query);
            var month = q.String("month");
            return q.Errors.Count > 0
                ? Envelope.Fail(Hosting.Errors.Error.Validation(q.Errors))
                : Envelope.From(await handler.HandleAsync(new ReadUsage.Input(tenantId, month), ct), usage => Envelope.Ok(usage));
        });
    }

    private static async Task<IResult> DeltasAsync(string tenantId, HttpContext http, ReadDeltas handler, CancellationToken ct)
    {
        var q = new QueryFields(http.Request.Query);
        long? from = q.String("from") is null ? null : q.Integer("from", 0, 0, MaxTime);
        long? to = q.String("to") is null ? null : q.Integer("to", 0, 0, MaxTime);
        var input = new ReadDeltas.Input(tenantId, q.String("status"), q.String("customerId"), from, to, q.String(ReadCursor.Field), Limit(q), q.Errors);
        return Envelope.From(await handler.HandleAsync(input, ct), list => Envelope.Ok(list));
    }

    private static int Limit(QueryFields q) => (int)q.Integer("limit", DefaultLimit, 1, ReadRoutes.MaxLimit);
}
