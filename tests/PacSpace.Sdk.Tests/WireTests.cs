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

    [Fact]
    public async Task CreateCustomer_SendsTheKeyAndTheDashboardToken_ToTheKeysEndpoint_WithoutNullFields()
    {
        var key = ApiKeyFormat.Generate(PacSpaceEnvironment.Sandbox).FullKey;
        var handler = new Recorder(
            """{"success":true,"data":{"customerId":"acme","displayName":"Acme","unitLabel":null,"eventCadence":null,"sharingStateHint":"INHERIT","createdAt":"2026-01-01T00:00:00.000Z","environment":"sandbox"}}""",
            HttpStatusCode.Created);
        using var http = new HttpClient(handler);
        using var client = new PacSpaceClient(new PacSpaceClientOptions { ApiKey = key, SandboxUrl = new Uri("http://sandbox.example/prefix"), DashboardToken = "jwt-options" }, http);

        var created = await client.Balance.CreateCustomerAsync(new NewCustomer("Acme", "acme", SharingStateHint: "INHERIT"));
        await client.Balance.CreateCustomerAsync(new NewCustomer("Acme", "acme", SharingStateHint: "INHERIT"), "jwt-call");

        Assert.Equal(("acme", "INHERIT", "sandbox"), (created.CustomerId, created.SharingStateHint, created.Environment));
        Assert.Null(created.UnitLabel);
        var (first, second) = (handler.Requests[0], handler.Requests[1]);
        Assert.Equal("http://sandbox.example/prefix/dashboard/customers", first.Uri);
        Assert.Equal(key, first.Header(PacSpaceHeaders.ApiKey));
        Assert.Equal("296", first.Header(PacSpaceHeaders.ChainId));
        Assert.Equal("Bearer jwt-options", first.Header("Authorization"));
        Assert.Equal("Bearer jwt-call", second.Header("Authorization"));
        Assert.StartsWith("sdk-", first.Header(PacSpaceHeaders.IdempotencyKey), StringComparison.Ordinal);
        Assert.NotEqual(first.Header(PacSpaceHeaders.IdempotencyKey), second.Header(PacSpaceHeaders.IdempotencyKey));
        // The official client's order; what was not given is left out.
        Assert.Equal("""{"displayName":"Acme","customerId":"acme","sharingStateHint":"INHERIT"}""", first.Body);
    }

    [Fact]
    public async Task CreateCustomer_WithoutADashboardToken_SendsNothing()
    {
        var handler = new Recorder("{}");
        using var http = new HttpClient(handler);
        using var client = new PacSpaceClient(new PacSpaceClientOptions { ApiKey = ApiKeyFormat.Generate(PacSpaceEnvironment.Sandbox).FullKey }, http);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => client.Balance.CreateCustomerAsync(new NewCustomer("Acme")));

        Assert.Contains("dashboard token", ex.Message, StringComparison.Ordinal);
        Assert.Empty(handler.Requests);
    }

    private const string DeliveryJson =
        """{"eventId":"evt_1","event":"delta.verified","endpointId":"wh_1","url":"https://203.0.113.10/h","status":"FAILED","deliveryStatus":"failed","attempts":2,"maxAttempts":2,"lastStatusCode":500,"lastLatencyMs":12,"lastError":null,"createdAt":"2026-01-01T00:00:00.000Z","lastAttemptAt":"2026-01-01T00:00:01.000Z","nextAttemptAt":null,"deliveredAt":null,"attemptLog":[{"attempt":1,"attemptedAt":"2026-01-01T00:00:00.500Z","statusCode":500,"latencyMs":10,"response":"no","error":null}]}""";

    [Fact]
    public async Task BalanceWebhookDeliveries_ListGetRetry_GoToTheKeysPlane_WithTheKey()
    {
        var key = ApiKeyFormat.Generate(PacSpaceEnvironment.Production).FullKey;
        var page = """{"success":true,"data":{"deliveries":[""" + DeliveryJson + """],"pagination":{"limit":5,"offset":10,"total":11}}}""";
        var handler = new Recorder(page);
        using var http = new HttpClient(handler);
        using var client = new PacSpaceClient(new PacSpaceClientOptions { ApiKey = key, ProductionUrl = new Uri("http://live.example") }, http);

        var listed = await client.Balance.ListWebhookDeliveriesAsync("FAILED", 5, 10);
        var one = await client.Balance.GetWebhookDeliveryAsync("evt/1");
        var all = await client.Balance.ListWebhookDeliveriesAsync();

        var delivery = Assert.Single(listed.Deliveries);
        Assert.Equal(("evt_1", "FAILED", Webhooks.WebhookDeliveryStatuses.Failed, 500), (delivery.EventId, delivery.Status, delivery.DeliveryStatus, delivery.LastStatusCode));
        Assert.Equal((5, 10L, 11L), (listed.Pagination.Limit, listed.Pagination.Offset, listed.Pagination.Total));
        Assert.Equal(500, Assert.Single(one.Deliveries[0].AttemptLog!).StatusCode);
        Assert.Equal(
            ["http://live.example/api/v1/balance/webhooks?status=FAILED&limit=5&offset=10", "http://live.example/api/v1/balance/webhooks/evt%2F1",
             "http://live.example/api/v1/balance/webhooks"],
            handler.Requests.Select(r => r.Uri));
        Assert.All(handler.Requests, r => Assert.Equal(key, r.Header(PacSpaceHeaders.ApiKey)));
        Assert.All(handler.Requests, r => Assert.Null(r.Body));

        var retryHandler = new Recorder("""{"success":true,"data":{"eventId":"evt_1","queued":1,"deliveries":[""" + DeliveryJson + "]}}");
        using var retryHttp = new HttpClient(retryHandler);
        using var retryClient = new PacSpaceClient(new PacSpaceClientOptions { ApiKey = key, ProductionUrl = new Uri("http://live.example") }, retryHttp);
        var retried = await retryClient.Balance.RetryWebhookAsync("evt_1");

        Assert.Equal(("evt_1", 1), (retried.EventId, retried.Queued));
        var sent = Assert.Single(retryHandler.Requests);
        Assert.Equal(("http://live.example/api/v1/balance/webhooks/evt_1/retry", "{}"), (sent.Uri, sent.Body));
        Assert.Equal(key, sent.Header(PacSpaceHeaders.ApiKey));
    }

    [Fact]
    public async Task DashboardWebhookTestAndDeliveries_GoToTheControlPlane_WithTheToken_AndTheEnvironmentInTheQuery()
    {
        var handler = new Recorder("""{"statusCode":200,"success":true,"data":{"eventId":"evt_2","delivered":true,"statusCode":204,"latencyMs":3,"response":"","error":null,"deliveries":[""" + DeliveryJson + """],"pagination":{"limit":20,"offset":0,"total":1},"queued":1}}""");
        using var http = new HttpClient(handler);
        using var client = new PacSpace.Sdk.Dashboard.PacSpaceDashboardClient(new() { BaseUrl = new Uri("http://dash.example"), AccessToken = "jwt" }, http);

        var tested = await client.TestWebhookAsync("wh_1");
        await client.ListWebhookDeliveriesAsync("production", "failed", 20, 0, "wh_1");
        await client.ListWebhookDeliveriesAsync();
        await client.GetWebhookDeliveryAsync("evt_2", "live");
        var retried = await client.RetryWebhookDeliveryAsync("evt_2");

        Assert.Equal(("evt_2", true, 204), (tested.EventId, tested.Delivered, tested.StatusCode));
        Assert.Equal(1, retried.Queued);
        Assert.Equal(
            [
                "http://dash.example/dashboard/webhooks/wh_1/test",
                "http://dash.example/dashboard/webhooks/deliveries?environment=production&status=failed&limit=20&offset=0&endpointId=wh_1",
                "http://dash.example/dashboard/webhooks/deliveries",
                "http://dash.example/dashboard/webhooks/deliveries/evt_2?environment=live",
                "http://dash.example/dashboard/webhooks/deliveries/evt_2/retry",
            ],
            handler.Requests.Select(r => r.Uri));
        Assert.All(handler.Requests, r => Assert.Equal("Bearer jwt", r.Header("Authorization")));
        Assert.Equal("{}", handler.Requests[^1].Body);
    }

    private sealed record Sent(string Uri, IReadOnlyDictionary<string, string> Headers, string? Body = null)
    {
        public string? Header(string name) => Headers.GetValueOrDefault(name);
    }

    private sealed class Recorder(string body, HttpStatusCode status = HttpStatusCode.OK, params (string Name, string Value)[] headers) : HttpMessageHandler
    {
        public List<Sent> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(new Sent(request.RequestUri!.AbsoluteUri,
                request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase),
                request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken)));
            var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            foreach (var (name, value) in headers)
            {
                response.Headers.TryAddWithoutValidation(name, value);
            }

            return response;
        }
    }
}
