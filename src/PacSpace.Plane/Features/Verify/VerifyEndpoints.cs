using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PacSpace.Hosting.Web;

namespace PacSpace.Plane.Features.Verify;

/// <summary>Public verification routes: no key, hashes and proofs only, never a delta's contents.</summary>
internal static class VerifyEndpoints
{
    public static IServiceCollection AddVerify(this IServiceCollection services) =>
        services.AddSingleton<VerifyReceipt>().AddSingleton<GetLogKey>().AddSingleton<VerifyProofRoot>();

    public static void MapVerify(this IEndpointRouteBuilder app)
    {
        var verify = app.MapGroup("/api/v1/verify").WithTags("Verify");
        verify.MapGet("/receipt/{receiptId}", async (string receiptId, VerifyReceipt handler, CancellationToken ct) =>
                Envelope.From(await handler.HandleAsync(new VerifyReceipt.Input(receiptId), ct), receipt => Envelope.Ok(receipt)))
            .Produces<VerifyReceipt.ReceiptView>();
        verify.MapGet("/keys/{**origin}", async (HttpContext http, GetLogKey handler, CancellationToken ct) =>
                Envelope.From(await handler.HandleAsync(new GetLogKey.Input(RawPath.After(http, "/api/v1/verify/keys/")), ct), key => Envelope.Ok(key)))
            .Produces<GetLogKey.KeyView>();
        verify.MapGet("/{proofRoot}", async (string proofRoot, HttpContext http, VerifyProofRoot handler, CancellationToken ct) =>
            {
                var input = new VerifyProofRoot.Input(RawPath.LastSegment(http, proofRoot), http.Request.Query["source"].ToString());
                return Envelope.From(await handler.HandleAsync(input, ct), view => Envelope.Ok(view));
            })
            .Produces<VerifyProofRoot.ProofRootView>().QueryParameters(("source", "db (default), chain or both"));
    }
}
