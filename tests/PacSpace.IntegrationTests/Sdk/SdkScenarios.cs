using System.Net;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PacSpace.Cli;
using PacSpace.IntegrationTests.Dashboard;
using PacSpace.IntegrationTests.Infrastructure;
using PacSpace.Ledger;
using PacSpace.Samples;
using PacSpace.Sdk;
using PacSpace.Sdk.Balance;
using PacSpace.Sdk.Verify;

namespace PacSpace.IntegrationTests.Sdk;

/// <summary>The C# SDK against a real stack: routing by key prefix, the whole ledger flow, retries and idempotency, DI, the sample.</summary>
public sealed class SdkScenarios(SharedStacks shared) : SharedStackTests(Store.Sqlite, null, shared)
{
    [Fact]
    public async Task SameCode_TestKeyReachesSandbox_LiveKeyReachesProduction_EmitVerifyDeriveCheckpointVerifyOffline()
    {
        var session = await Api.ReadyTenantAsync();
        await Api.ActivateProductionAsync(session);
        var test = (await Api.CreateKeyAsync(session)).FullKey;
        var live = (await Api.CreateKeyAsync(session, "live")).FullKey;

        foreach (var (key, expected, role) in new[] { (test, PacSpaceEnvironment.Sandbox, Role.Sandbox), (live, PacSpaceEnvironment.Production, Role.Production) })
        {
            using var client = new PacSpaceClient(Options(key));
            Assert.Equal(expected, client.Environment);
            Assert.Equal(expected == PacSpaceEnvironment.Sandbox ? "sandbox" : "production", (await client.WhoAmIAsync()).Environment);
            await LedgerFlowAsync(client, role, session.TenantId);
        }
    }

    private async Task LedgerFlowAsync(PacSpaceClient client, Role role, string tenantId)
    {
        var emitted = await client.Balance.EmitAsync(new NewDelta("team/alpha", -42, "API calls", "inv-1", new Dictionary<string, object?> { ["region"] = "eu" }));
        Assert.Equal(DeltaStatuses.Queued, emitted.Status);
        var verified = await client.Balance.WaitForVerifiedAsync(emitted.RecordId, TimeSpan.FromSeconds(10));
        Assert.Equal(DeltaStatuses.Verified, verified.Status);
        Assert.Equal(-42, verified.Proof!.BalanceAfter);

        var derived = await client.Balance.DeriveAsync("team/alpha", BalanceScope.CurrentMonth, startingBalance: 100);
        Assert.Equal(58, derived.ComputedBalance);
        Assert.Equal(emitted.RecordId, Assert.Single(derived.Deltas).RecordId);
        Assert.Equal(emitted.RecordId, (await client.Balance.ListDeltasAsync("team/alpha", pageSize: 1).ToListAsync()).Single().RecordId);
        Assert.True((await client.Balance.CompareAsync("team/alpha", -42, -40)).MatchesYours);

        var checkpoint = await client.Balance.CheckpointAsync(customerId: "team/alpha");
        Assert.Equal(-42, checkpoint.Customer!.ClosingBalance);
        Assert.Equal(checkpoint.CheckpointId, (await client.Balance.CheckpointAsync(customerId: "team/alpha")).CheckpointId);
        Assert.Equal(checkpoint.CheckpointId, (await client.Balance.ListCheckpointsAsync("team/alpha").ToListAsync()).Single().CheckpointId);
        var invoice = await client.Balance.GetInvoiceProofAsync("team/alpha", BalanceScope.CurrentMonth);
        Assert.Equal(checkpoint.ProofRoot, invoice.ProofRoot);
        Assert.Equal(invoice.ProofRoot, (await client.Balance.GetReceiptAsync("team/alpha")).ProofRoot);
        Assert.Equal("team/alpha", (await client.Balance.ListCustomersAsync("ALPHA").ToListAsync()).Single().CustomerId);
        Assert.Equal(-42, (await client.Balance.GetCustomerAsync("team/alpha")).ComputedBalance);
        Assert.Equal(1, (await client.Balance.GetUsageAsync()).Used);

        // Offline, against the key pinned from the plane's own store (not from the answers being checked).
        await using var plane = await Stack.PlaneDb(role).OpenAsync(default);
        var pinned = Convert.FromBase64String(await plane.ExecuteScalarAsync<string>("SELECT public_key FROM tenant_ledgers WHERE tenant_id = @tenantId", new { tenantId }) ?? "");
        var period = await client.Verify.GetProofRootAsync("0x" + checkpoint.ProofRoot);
        Assert.True(VerifyClient.CheckPeriod(period, pinned, invoice.BalanceProof).Passed);
        var forged = invoice.BalanceProof with { ClosingBalance = -41 };
        Assert.False(VerifyClient.CheckPeriod(period, pinned, forged).Passed);

        var receipt = await client.Verify.GetReceiptAsync(emitted.ReceiptId);
        Assert.True(VerifyClient.CheckReceipt(verified.Content, receipt, pinned).Passed);
        var altered = JsonDocument.Parse(verified.Content.GetRawText().Replace("\"-42\"", "\"-41\"", StringComparison.Ordinal)).RootElement;
        var failed = VerifyClient.CheckReceipt(altered, receipt, pinned);
        Assert.False(failed.Passed);
        Assert.False(failed.Steps.Single(s => s.Name == "entry").Passed);

        // The other plane's database holds none of it.
        var other = role == Role.Sandbox ? Role.Production : Role.Sandbox;
        await using var otherPlane = await Stack.PlaneDb(other).OpenAsync(default);
        Assert.Equal(0, await otherPlane.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM deltas WHERE content_hash = @h", new { h = Convert.FromHexString(emitted.ContentHash) }));
    }

    [Fact]
    public async Task EmitCorrection_NamesRecordedDeltaOfTheCustomerOrThrows404_VerifiesOfflineAsVersion2()
    {
        var session = await Api.ReadyTenantAsync();
        var key = (await Api.CreateKeyAsync(session)).FullKey;
        using var client = new PacSpaceClient(Options(key));
        var original = await client.Balance.EmitAsync(new NewDelta("team/alpha", -42, "API calls", "inv-7"));

        var missing = await Assert.ThrowsAsync<PacSpaceException>(() => client.Balance.EmitAsync(new NewDelta("team/beta", 42, "refund", Adjusts: new AdjustsRef(RecordId: original.RecordId))));
        Assert.Equal((404, "NOT_FOUND", "adjusts.recordId"), (missing.StatusCode, missing.Code, Assert.Single(missing.Details).Field));

        var byRecord = await client.Balance.EmitAsync(new NewDelta("team/alpha", 42, "refund", Adjusts: new AdjustsRef(RecordId: original.RecordId)));
        var byReference = await client.Balance.EmitAsync(new NewDelta("team/alpha", 2, "refund", Adjusts: new AdjustsRef(ReferenceId: "inv-7")));
        var expected = new DeltaContent(session.TenantId, "sandbox", "team/alpha", 42, "refund", null, null) { Adjusts = DeltaAdjusts.ByRecord(original.RecordId) };
        Assert.Equal(Hex.Encode(expected.ContentHash()), byRecord.ContentHash);

        await using var plane = await Stack.PlaneDb(Role.Sandbox).OpenAsync(default);
        var pinned = Convert.FromBase64String(await plane.ExecuteScalarAsync<string>("SELECT public_key FROM tenant_ledgers WHERE tenant_id = @t", new { t = session.TenantId }) ?? "");
        foreach (var (emitted, adjusts) in new[] { (byRecord, $"{{\"recordId\":\"{original.RecordId}\"}}"), (byReference, "{\"referenceId\":\"inv-7\"}") })
        {
            var verified = await client.Balance.WaitForVerifiedAsync(emitted.RecordId, TimeSpan.FromSeconds(10));
            Assert.Equal(2, verified.ContentVersion);
            Assert.Equal(adjusts, verified.Content.GetProperty("adjusts").GetRawText());
            var receipt = await client.Verify.GetReceiptAsync(emitted.ReceiptId);
            var check = VerifyClient.CheckReceipt(verified.Content, receipt, pinned);
            Assert.True(check.Passed, string.Join("; ", check.Steps));
            Assert.StartsWith("content version 2", check.Steps[0].Detail, StringComparison.Ordinal);
            var altered = JsonDocument.Parse(verified.Content.GetRawText().Replace(adjusts, "{\"referenceId\":\"inv-8\"}", StringComparison.Ordinal)).RootElement;
            var failed = VerifyClient.CheckReceipt(altered, receipt, pinned);
            Assert.False(failed.Passed);
            Assert.False(failed.Steps.Single(s => s.Name == "entry").Passed);
        }

        Assert.Equal(1, (await client.Balance.WaitForVerifiedAsync(original.RecordId, TimeSpan.FromSeconds(10))).ContentVersion);
    }

    [Fact]
    public async Task CreateCustomer_SentToTheKeysEndpointWithTheDashboardToken_IsListedWithItsName_AndOnlyInItsEnvironment()
    {
        var session = await Api.ReadyTenantAsync();
        await Api.ActivateProductionAsync(session);
        var test = (await Api.CreateKeyAsync(session)).FullKey;
        var live = (await Api.CreateKeyAsync(session, "live")).FullKey;
        using var sandbox = new PacSpaceClient(Options(test));
        var options = Options(live);
        options.DashboardToken = session.Token;
        using var production = new PacSpaceClient(options);

        // No token anywhere: refused before anything is sent.
        await Assert.ThrowsAsync<InvalidOperationException>(() => sandbox.Balance.CreateCustomerAsync(new NewCustomer("Acme")));

        var created = await sandbox.Balance.CreateCustomerAsync(new NewCustomer("Acme Corp", "acme", UnitLabel: "credits", EventCadence: "PER_EVENT"), session.Token);
        Assert.Equal(("acme", "Acme Corp", "credits", "PER_EVENT", null, "sandbox"),
            (created.CustomerId, created.DisplayName, created.UnitLabel, created.EventCadence, created.SharingStateHint, created.Environment));
        var generated = await production.Balance.CreateCustomerAsync(new NewCustomer("Live Co"));
        Assert.StartsWith("cus_", generated.CustomerId, StringComparison.Ordinal);
        Assert.Equal("production", generated.Environment);

        var listed = Assert.Single(await sandbox.Balance.ListCustomersAsync().ToListAsync());
        Assert.Equal(("acme", "Acme Corp", "credits", 0L, (DateTimeOffset?)null), (listed.CustomerId, listed.DisplayName, listed.UnitLabel, listed.ComputedBalance, listed.FirstDeltaAt));
        await sandbox.Balance.WaitForVerifiedAsync((await sandbox.Balance.EmitAsync(new NewDelta("acme", 12, "top-up"))).RecordId, TimeSpan.FromSeconds(10));
        var detail = await sandbox.Balance.GetCustomerAsync("acme");
        Assert.Equal(("Acme Corp", "credits", 12L), (detail.DisplayName, detail.UnitLabel, detail.ComputedBalance));
        Assert.Equal(generated.CustomerId, Assert.Single(await production.Balance.ListCustomersAsync().ToListAsync()).CustomerId);

        var exists = await Assert.ThrowsAsync<PacSpaceException>(() => sandbox.Balance.CreateCustomerAsync(new NewCustomer("Other", "acme"), session.Token));
        Assert.Equal((409, "CUSTOMER_EXISTS"), (exists.StatusCode, exists.Code));
        var keyOnly = await Assert.ThrowsAsync<PacSpaceException>(() => sandbox.Balance.CreateCustomerAsync(new NewCustomer("Acme"), "not-a-token"));
        Assert.Equal((401, "UNAUTHENTICATED"), (keyOnly.StatusCode, keyOnly.Code));
    }

    [Fact]
    public async Task Errors_AreOneExceptionType_WithCodeDetailsAndRequestId_AndNoRetryOn4xx()
    {
        var session = await Api.ReadyTenantAsync();
        var key = (await Api.CreateKeyAsync(session)).FullKey;
        await using var proxy = await FlakyProxy.StartAsync(Stack.Local.Url(Role.Sandbox));
        using var client = new PacSpaceClient(Options(key, proxy.Url));

        var bad = await Assert.ThrowsAsync<PacSpaceException>(() => client.Balance.EmitAsync(new NewDelta("c", 0, "zero")));
        Assert.Equal((400, "VALIDATION_ERROR"), (bad.StatusCode, bad.Code));
        Assert.Equal("delta", Assert.Single(bad.Details).Field);
        Assert.False(string.IsNullOrEmpty(bad.RequestId));
        Assert.Single(proxy.Attempts);

        var scope = await Assert.ThrowsAsync<PacSpaceException>(() => client.Balance.DeriveAsync("c", BalanceScope.Custom(DateTimeOffset.UnixEpoch.AddYears(40), DateTimeOffset.UnixEpoch.AddYears(42))));
        Assert.Equal("SCOPE_TOO_WIDE", scope.Code);
        var missing = await Assert.ThrowsAsync<PacSpaceException>(() => client.Balance.GetDeltaAsync("rec_00000000000000000000000000"));
        Assert.Equal((404, "NOT_FOUND"), (missing.StatusCode, missing.Code));
        Assert.Equal(3, proxy.Attempts.Count);

        proxy.Next(_ => (429, """{"success":false,"error":{"code":"CADENCE_LIMIT","message":"slow down","retryAfterSeconds":120,"customerId":"c"}}""", null));
        var cadence = await Assert.ThrowsAsync<PacSpaceException>(() => client.Balance.EmitAsync(new NewDelta("c", 1, "r")));
        Assert.Equal(("CADENCE_LIMIT", TimeSpan.FromSeconds(120)), (cadence.Code, cadence.RetryAfter));
        Assert.Equal(4, proxy.Attempts.Count);

        using var wrongKey = new PacSpaceClient(Options(PacSpace.Ledger.ApiKeyFormat.Generate(PacSpaceEnvironment.Sandbox).FullKey, proxy.Url));
        var unauthorized = await Assert.ThrowsAsync<PacSpaceException>(() => wrongKey.WhoAmIAsync());
        Assert.Equal(401, unauthorized.StatusCode);
    }

    [Fact]
    public async Task LostAnswers_RetriedWithTheSameIdempotencyKey_RecordExactlyOneDelta_AndRetryAfterIsHonoured()
    {
        var session = await Api.ReadyTenantAsync();
        var key = (await Api.CreateKeyAsync(session)).FullKey;
        await using var proxy = await FlakyProxy.StartAsync(Stack.Local.Url(Role.Sandbox));
        using var client = new PacSpaceClient(Options(key, proxy.Url));

        // The plane records the delta, but the client sees a 503 asking to wait 1 s; the retry replays the original answer.
        proxy.Next(real => (503, """{"success":false,"error":{"code":"SERVICE_UNAVAILABLE","message":"try again"}}""", "1"), forward: true);
        // Then a 500 without Retry-After (exponential backoff) on the forwarded retry's answer.
        proxy.Next(real => (500, """{"success":false,"error":{"code":"INTERNAL_ERROR","message":"boom"}}""", null), forward: true);
        var receipt = await client.Balance.EmitAsync(new NewDelta("once", -7, "usage"));

        Assert.Equal(3, proxy.Attempts.Count);
        Assert.Single(proxy.Attempts.Select(a => a.IdempotencyKey).Distinct());
        Assert.False(string.IsNullOrEmpty(proxy.Attempts[0].IdempotencyKey));
        Assert.True(proxy.Attempts[1].At - proxy.Attempts[0].At >= TimeSpan.FromSeconds(0.95), $"Retry-After 1 s not honoured: {proxy.Attempts[1].At - proxy.Attempts[0].At}");
        Assert.True(proxy.Attempts[2].At - proxy.Attempts[1].At >= TimeSpan.FromSeconds(0.45), "no backoff before the second retry");
        await using (var plane = await Stack.PlaneDb(Role.Sandbox).OpenAsync(default))
        {
            Assert.Equal(1, await plane.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {PlaneRows.Deltas} WHERE tenant_id = @t", new { t = session.TenantId }));
            Assert.Equal(Convert.FromHexString(receipt.ContentHash), await plane.ExecuteScalarAsync<byte[]>($"SELECT content_hash FROM {PlaneRows.Deltas} WHERE tenant_id = @t", new { t = session.TenantId }));
        }

        // A dropped connection is retried too; two separate emits get two keys (and two deltas).
        proxy.Next(_ => throw new IOException("connection dropped"));
        var second = await client.Balance.EmitAsync(new NewDelta("once", -1, "usage"));
        Assert.NotEqual(receipt.RecordId, second.RecordId);
        Assert.NotEqual(proxy.Attempts[0].IdempotencyKey, proxy.Attempts[^1].IdempotencyKey);

        // Out of retries: the last error surfaces.
        using var impatient = new PacSpaceClient(Options(key, proxy.Url, maxRetries: 0));
        proxy.Next(_ => (503, """{"success":false,"error":{"code":"SERVICE_UNAVAILABLE","message":"down"}}""", "1"));
        var down = await Assert.ThrowsAsync<PacSpaceException>(() => impatient.Balance.GetUsageAsync());
        Assert.Equal((503, "SERVICE_UNAVAILABLE", TimeSpan.FromSeconds(1)), (down.StatusCode, down.Code, down.RetryAfter));
    }

    [Fact]
    public async Task AddPacSpace_ResolvesAClientFromTheFactory_AndRefusesABadKeyAtResolve()
    {
        var session = await Api.ReadyTenantAsync();
        var key = (await Api.CreateKeyAsync(session)).FullKey;
        var sandbox = Stack.Local.Url(Role.Sandbox);

        await using var good = new ServiceCollection().AddPacSpace(o => { o.ApiKey = key; o.SandboxUrl = sandbox; }).BuildServiceProvider();
        Assert.Equal(session.TenantId, (await good.GetRequiredService<PacSpaceClient>().WhoAmIAsync()).TenantId);

        await using var bad = new ServiceCollection().AddPacSpace(o => o.ApiKey = "pk_test_nope").BuildServiceProvider();
        Assert.Throws<OptionsValidationException>(() => bad.GetRequiredService<PacSpaceClient>());
    }

    [Fact]
    public async Task Sample_PrintsTheVerifiedBalance()
    {
        var session = await Api.ReadyTenantAsync();
        var key = (await Api.CreateKeyAsync(session)).FullKey;
        using var client = new PacSpaceClient(Options(key));
        var output = new StringWriter();

        Assert.Equal(0, await QuickStart.RunAsync(client, output));
        Assert.Contains($"Verified balance of {QuickStart.CustomerId}: -42 (1 deltas this month)", output.ToString(), StringComparison.Ordinal);
    }

    private PacSpaceClientOptions Options(string key, Uri? baseUrl = null, int maxRetries = 2) => new()
    {
        ApiKey = key,
        SandboxUrl = Stack.Local.Url(Role.Sandbox),
        ProductionUrl = Stack.Local.Url(Role.Production),
        BaseUrl = baseUrl,
        MaxRetries = maxRetries,
    };
}

/// <summary>
/// A real HTTP server in front of a plane that forwards requests and can replace the next answers: with or without
/// forwarding first (so the plane records the delta but the client sees a failure), or by dropping the connection.
/// </summary>
public sealed class FlakyProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _forward;
    private readonly Queue<(Func<HttpResponseMessage?, (int Status, string Body, string? RetryAfter)> Answer, bool Forward)> _script = new();

    private FlakyProxy(WebApplication app, Uri target)
    {
        _app = app;
        _forward = new HttpClient { BaseAddress = target };
    }

    public sealed record Attempt(DateTimeOffset At, string Method, string Path, string? IdempotencyKey);

    public List<Attempt> Attempts { get; } = [];

    public Uri Url { get; private set; } = null!;

    public static async Task<FlakyProxy> StartAsync(Uri target)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var proxy = new FlakyProxy(app, target);
        app.Run(proxy.HandleAsync);
        await app.StartAsync();
        proxy.Url = new Uri(app.Urls.First());
        return proxy;
    }

    /// <summary>Scripts the next answer; <paramref name="forward"/> sends the request to the plane first.</summary>
    public void Next(Func<HttpResponseMessage?, (int Status, string Body, string? RetryAfter)> answer, bool forward = false)
    {
        lock (_script)
        {
            _script.Enqueue((answer, forward));
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        lock (Attempts)
        {
            Attempts.Add(new Attempt(DateTimeOffset.UtcNow, request.Method, request.Path + request.QueryString, request.Headers["Idempotency-Key"].FirstOrDefault()));
        }

        (Func<HttpResponseMessage?, (int, string, string?)> Answer, bool Forward)? step = null;
        lock (_script)
        {
            if (_script.Count > 0)
            {
                step = _script.Dequeue();
            }
        }

        using var real = step is null || step.Value.Forward ? await ForwardAsync(context) : null;
        if (step is { } s)
        {
            (int status, string body, string? retryAfter) scripted;
            try
            {
                scripted = s.Answer(real);
            }
            catch (IOException)
            {
                context.Abort();
                return;
            }

            context.Response.StatusCode = scripted.status;
            context.Response.ContentType = "application/json";
            if (scripted.retryAfter is not null)
            {
                context.Response.Headers.RetryAfter = scripted.retryAfter;
            }

            await context.Response.WriteAsync(scripted.body);
            return;
        }

        context.Response.StatusCode = (int)real!.StatusCode;
        foreach (var (name, values) in real.Headers.Where(h => h.Key is not ("Transfer-Encoding" or "Connection")))
        {
            context.Response.Headers[name] = values.ToArray();
        }

        context.Response.ContentType = real.Content.Headers.ContentType?.ToString();
        await context.Response.WriteAsync(await real.Content.ReadAsStringAsync());
    }

    private async Task<HttpResponseMessage> ForwardAsync(HttpContext context)
    {
        var request = context.Request;
        using var body = new StreamReader(request.Body);
        var text = await body.ReadToEndAsync();
        var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Path + request.QueryString);
        foreach (var name in new[] { "X-Api-Key", "Idempotency-Key", "X-Chain-Id", "User-Agent" })
        {
            if (request.Headers.TryGetValue(name, out var value))
            {
                message.Headers.TryAddWithoutValidation(name, value.ToString());
            }
        }

        if (text.Length > 0)
        {
            message.Content = new StringContent(text, System.Text.Encoding.UTF8, "application/json");
        }

        return await _forward.SendAsync(message);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _forward.Dispose();
    }
}

/// <summary>The SDK's dashboard client in both API generations.</summary>
public sealed class DashboardClientScenarios() : StoreTests(Store.Sqlite, null)
{
    [Fact]
    public async Task Login_PlanActivateBothGenerations_Keys()
    {
        var session = await Api.ReadyTenantAsync();
        using var client = new PacSpace.Sdk.Dashboard.PacSpaceDashboardClient(new() { BaseUrl = Stack.Local.Url(Role.Dashboard) });
        var login = await client.LoginAsync(session.Email, DashboardApi.Password);
        Assert.False(string.IsNullOrEmpty(client.AccessToken));
        Assert.Equal(session.TenantId, login.User.GetProperty("tenantId").GetString());

        Assert.Equal("active", (await client.GetEnvironmentStatusAsync()).Sandbox.Status);
        var refused = await Assert.ThrowsAsync<PacSpaceException>(() => client.ActivateAsync("production"));
        Assert.Equal((403, "PLAN_UPGRADE_REQUIRED"), (refused.StatusCode, refused.Code));

        Assert.Equal("pilot", (await client.SetPlanAsync("pilot")).Tier);
        var seen = new List<string>();
        var final = await client.ActivateAndWaitAsync("production", new Progress(s => seen.Add(s.Status)), TimeSpan.FromSeconds(30));
        Assert.Equal("active", final.Status);
        Assert.Equal("active", seen[^1]);
        Assert.Equal(Stack.Local.Url(Role.Production).ToString().TrimEnd('/'),
            (await client.ListEnvironmentsAsync()).Single(e => e.Environment == "production").ApiBaseUrl?.TrimEnd('/'));

        // V3.6 vocabulary for the same state.
        var contracts = await client.GetContractsStatusAsync(session.TenantId);
        Assert.Contains(contracts.GetProperty("environments").EnumerateArray(), e => e.GetProperty("environment").GetString() == "mainnet" && e.GetProperty("status").GetString() == "active");
        Assert.Equal(JsonValueKind.Object, (await client.ProvisionContractAsync("mainnet")).ValueKind);

        var customer = await client.CreateCustomerAsync(new NewCustomer("Dashboard Co", "dash-co"), "production");
        Assert.Equal(("dash-co", "production"), (customer.CustomerId, customer.Environment));
        Assert.Equal("sandbox", (await client.CreateCustomerAsync(new NewCustomer("Sandbox Co"))).Environment);

        var created = await client.CreateKeyAsync("sdk", "live");
        Assert.StartsWith("pk_live_", created.FullKey, StringComparison.Ordinal);
        Assert.Contains(await client.ListKeysAsync("live", pageSize: 1).ToListAsync(), k => k.Id == created.Id);
        Assert.Equal("revoked", (await client.RevokeKeyAsync(created.Id)).Status);
    }

    private sealed class Progress(Action<PacSpace.Sdk.Dashboard.EnvironmentState> report) : IProgress<PacSpace.Sdk.Dashboard.EnvironmentState>
    {
        public void Report(PacSpace.Sdk.Dashboard.EnvironmentState value) => report(value);
    }
}
