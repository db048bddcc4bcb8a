using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;
using PacSpace.Plane.Features.Keys;

namespace PacSpace.Plane.Features.Deltas;

/// <summary><c>POST /api/v1/balance/delta</c>, <c>/delta/batch</c> and <c>GET /delta/{recordId}</c>.</summary>
internal static class DeltaEndpoints
{
    /// <summary>The emit body, for the OpenAPI document (the endpoint reads the JSON itself, see <see cref="NewDelta.Read"/>).</summary>
    public sealed record EmitRequest(string CustomerId, long Delta, string Reason, string? ReferenceId, JsonElement? Metadata, AdjustsRequest? Adjusts);

    /// <summary>
    /// Which earlier delta a correction refers to: one already recorded for the same customer in the caller's log, by its
    /// referenceId or its recordId; hashed with the delta as sent (content version 2).
    /// </summary>
    public sealed record AdjustsRequest(string? ReferenceId, string? RecordId);

    /// <summary>The batch body, for the OpenAPI document.</summary>
    public sealed record BatchRequest(IReadOnlyList<EmitRequest> Deltas);

    public static IServiceCollection AddDeltas(this IServiceCollection services)
    {
        services.AddSingleton<DeltaWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<DeltaWriter>());
        return services.AddSingleton<AdjustedDeltas>().AddSingleton<EmitDelta>().AddSingleton<EmitDeltaBatch>().AddSingleton<GetDelta>();
    }

    public static void MapDeltas(this RouteGroupBuilder balance)
    {
        // The write handlers are singletons taken from the container once, here: a handler bound as an endpoint parameter
        // would be resolved through the request's services, which creates a DI scope (three objects) per request.
        var services = ((IEndpointRouteBuilder)balance).ServiceProvider;
        var emit = services.GetRequiredService<EmitDelta>();
        var emitBatch = services.GetRequiredService<EmitDeltaBatch>();
        balance.MapPost("/delta", (HttpContext http, CancellationToken ct) =>
                WriteAsync(http, emit, static (key, body) => EmitDelta.Input.Read(key, body), static (h, caller, input, ct) => h.HandleAsync(caller, input, ct),
                    static view => Envelope.Written(view, 201), ct))
            .AcceptsJson<EmitRequest>().Produces<EmitDelta.EmitView>(201);
        balance.MapPost("/delta/batch", (HttpContext http, CancellationToken ct) =>
                WriteAsync(http, emitBatch, static (key, body) => EmitDeltaBatch.Input.Read(key, body), static (h, caller, input, ct) => h.HandleAsync(caller, input, ct),
                    static view => Envelope.Ok(view, 201), ct))
            .AcceptsJson<BatchRequest>().Produces<EmitDeltaBatch.BatchView>(201);
        balance.MapGet("/delta/{recordId}", async (string recordId, HttpContext http, GetDelta handler, CancellationToken ct) =>
                Envelope.From(await handler.HandleAsync(ApiCaller.Of(http), new GetDelta.Input(RawPath.LastSegment(http, recordId)), ct), view => Envelope.Ok(view)))
            .Produces<GetDelta.StatusView>();
    }

    /// <summary>
    /// What every write starts with: a well-formed Idempotency-Key (or none) and a JSON body, read into a pooled buffer
    /// and parsed into the handler's input there (the buffer goes back before the handler runs); then the handler,
    /// answered 201. The reader and the handler call are static lambdas so that nothing is allocated for them per request.
    /// </summary>
    private static async Task<IResult> WriteAsync<THandler, TInput, TView>(HttpContext http, THandler handler,
        Func<string?, ReadOnlySpan<byte>, Result<TInput>> read,
        Func<THandler, ApiCaller, TInput, CancellationToken, Task<Result<TView>>> handle, Func<TView, IResult> answer, CancellationToken ct)
    {
        var key = IdempotencyKey.Read(http.Request);
        if (!key.IsSuccess)
        {
            return Envelope.Fail(key.Error!);
        }

        var body = await JsonBody.ReadBytesAsync(http.Request, ct);
        if (!body.IsSuccess)
        {
            return Envelope.Fail(body.Error!);
        }

        Result<TInput> input;
        using (var bytes = body.Value)
        {
            input = read(key.Value, bytes.Span);
        }

        return input.IsSuccess
            ? Envelope.From(await handle(handler, ApiCaller.Of(http), input.Value, ct), answer)
            : Envelope.Fail(input.Error!);
    }
}
