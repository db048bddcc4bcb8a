using System.Net;
using System.Text;
using PacSpace.Ledger;
using PacSpace.Sdk.Balance;

namespace PacSpace.Sdk.Tests;

/// <summary>The named constants are the names on the wire: headers, chain ids by key prefix, routes.</summary>
public sealed class WireTests
{
    [Theory]
    [InlineData(PacSpaceEnvironment.Sandbox, "296")]
    [InlineData(PacSpaceEnvironment.Production, "295")]
    public async Task Emit_SendsKeyChainAndIdempotencyHeaders_ToTheBalanceRoute(PacSpaceEnvironment env, string chainId)
    {
        var key = ApiKeyFormat.Generate(env).FullKey;
        var handler = new Recorder("""{"success":true,"data":{"recordId":"rec_1","receiptId":"rcp_1","customerId":"c","delta":-1,"status":"QUEUED","contentHash":"h"}}""");
        using var http = new HttpClient(handler);
        using var client = new PacSpaceClient(new PacSpaceClientOptions { ApiKey = key, BaseUrl = new Uri("http://api.example") }, http);

        var receipt = await client.Balance.EmitAsync(new NewDelta("c", -1, "r"));

        var request = Assert.Single(handler.Requests);
        Assert.Equal("rec_1", receipt.RecordId);
        Assert.Equal("http://api.example/api/v1/balance/delta", request.Uri);
        Assert.Equal(key, request.Header("X-Api-Key"));
        Assert.Equal(chainId, request.Header("X-Chain-Id"));
        Assert.Equal(chainId, request.Header(PacSpaceHeaders.ChainId));
        Assert.Equal(env.ChainId(), request.Header(PacSpaceHeaders.ChainId));
        Assert.StartsWith("sdk-", request.Header("Idempotency-Key"), StringComparison.Ordinal);
        Assert.Equal(key, request.Header(PacSpaceHeaders.ApiKey));
    }

    [Fact]
    public async Task Failure_CarriesTheRequestIdHeader_AndTheFallbackCode()
    {
        var handler = new Recorder("not json", HttpStatusCode.NotFound, ("X-Request-Id", "req_9"));
        using var http = new HttpClient(handler);
        using var client = new PacSpaceClient(new PacSpaceClientOptions { ApiKey = ApiKeyFormat.Generate(PacSpaceEnvironment.Sandbox).FullKey, BaseUrl = new Uri("http://api.example") }, http);

        var ex = await Assert.ThrowsAsync<PacSpaceException>(() => client.Verify.GetProofRootAsync("a/b"));

        Assert.Equal((404, PacSpaceErrorCodes.NotFound, "req_9"), (ex.StatusCode, ex.Code, ex.RequestId));
        var request = Assert.Single(handler.Requests);
        Assert.Equal("http://api.example/api/v1/verify/a%2Fb", request.Uri);
        Assert.Null(request.Header(PacSpaceHeaders.ApiKey)); // public route
    }

    private sealed record Sent(string Uri, IReadOnlyDictionary<string, string> Headers)
    {
        public string? Header(string name) => Headers.GetValueOrDefault(name);
    }

    private sealed class Recorder(string body, HttpStatusCode status = HttpStatusCode.OK, params (string Name, string Value)[] headers) : HttpMessageHandler
    {
        public List<Sent> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(new Sent(request.RequestUri!.AbsoluteUri,
                request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase)));
            var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            foreach (var (name, value) in headers)
            {
                response.Headers.TryAddWithoutValidation(name, value);
            }

            return Task.FromResult(response);
        }
    }
}
