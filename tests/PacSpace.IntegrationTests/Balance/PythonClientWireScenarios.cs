using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Dapper;
using PacSpace.Cli;
using PacSpace.IntegrationTests.Dashboard;
using PacSpace.IntegrationTests.Infrastructure;

namespace PacSpace.IntegrationTests.Balance;

/// <summary>
/// The official Python client's requests, written byte for byte on a socket as its default transport (urllib)
/// sends them: Title-Cased headers in its order, <c>Accept-Encoding: identity</c>, <c>Connection: close</c>,
/// <c>Content-Type: application/json</c> on GETs too, no <c>Accept</c>, path segments percent-encoded with
/// nothing kept safe, form-encoded queries, JSON bodies with Python's separators. The assertions are what the
/// client reads: <c>success</c> as a JSON boolean with a <c>data</c> key on every 2xx, the fields it uses,
/// <c>status</c> values it keeps, nested error codes, integer batch totals, and replays of retried POSTs.
/// </summary>
public abstract class PythonClientWireScenarios(Store store, PostgresServer? postgres) : StoreTests(store, postgres)
{
    private static readonly string[] KeptStatuses = ["QUEUED", "PROCESSING", "VERIFIED", "FAILED"];

    [Fact]
    public async Task PythonClient_EveryBalanceCall_OnTheWire()
    {
        var session = await Api.ReadyTenantAsync();
        var key = (await Api.CreateKeyAsync(session)).FullKey;
        var wire = new PythonWire(Stack.Local.Url(Role.Sandbox), key);

        // emit, retried after a lost answer: same bytes, same Idempotency-Key → the same answer, one row.
        const string emitBody = """{"customerId": "team/\u00e9quipe", "delta": -5.0, "reason": "API calls", "referenceId": "inv 2026/10", "metadata": {"plan": "pro"}}""";
        var first = await wire.PostAsync("/api/v1/balance/delta", emitBody, idempotencyKey: "py-retry-1");
        var retried = await wire.PostAsync("/api/v1/balance/delta", emitBody, idempotencyKey: "py-retry-1");
        Assert.Equal(201, first.Status);
        Assert.Equal(first.Body, retried.Body);
        var emitted = Data(first);
        Assert.Equal("team/\u00e9quipe", emitted.GetProperty("customerId").GetString());
        Assert.Equal(-5, emitted.GetProperty("delta").GetInt64());
        foreach (var field in new[] { "recordId", "status", "receiptId" })
        {
            Assert.Equal(JsonValueKind.String, emitted.GetProperty(field).ValueKind);
        }

        var recordId = emitted.GetProperty("recordId").GetString()!;
        await using (var plane = await Stack.PlaneDb(Role.Sandbox).OpenAsync(default))
        {
            Assert.Equal(1, await plane.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {PlaneRows.Deltas} WHERE tenant_id = @t", new { t = session.TenantId }));
        }

        // delta_status, polled as wait_for_verified does.
        var status = await KeyTestKit.EventuallyAsync(() => wire.GetAsync($"/api/v1/balance/delta/{Encode(recordId)}"),
            a => Data(a).GetProperty("status").GetString() == "VERIFIED", TimeSpan.FromSeconds(10), "VERIFIED over the wire");
        Assert.Equal(recordId, Data(status).GetProperty("recordId").GetString());

        // The internal batch of the summary coordinator: floats, deterministic referenceIds, integer totals.
        var batch = await wire.PostAsync("/api/v1/balance/delta/batch",
            """{"deltas": [{"customerId": "cust_1", "delta": -1.0, "reason": "usage_summary", "referenceId": "sum_9a91e85a95e6821e0416faffd4e8c5e2de65dfe8e9388456", "metadata": {"summaryWindowStart": "2026-03-17T00:00:00Z", "summaryWindowEnd": "2026-03-18T00:00:00Z", "summaryProfile": "daily", "submissionType": "tenant_summary"}}, {"customerId": "cust_1", "delta": 0.5, "reason": "usage_summary"}]}""");
        var batchData = Data(batch);
        Assert.Equal(JsonValueKind.Number, batchData.GetProperty("totalQueued").ValueKind);
        Assert.Equal(1, batchData.GetProperty("totalQueued").GetInt32());
        Assert.Equal(1, batchData.GetProperty("totalFailed").GetInt32());
        Assert.Equal([0, 1], batchData.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("index").GetInt32()));
        Assert.Equal("FAILED", batchData.GetProperty("results")[1].GetProperty("status").GetString());
        var replayed = Data(await wire.PostAsync("/api/v1/balance/delta/batch",
            """{"deltas": [{"customerId": "cust_1", "delta": -1.0, "reason": "usage_summary", "referenceId": "sum_9a91e85a95e6821e0416faffd4e8c5e2de65dfe8e9388456", "metadata": {"summaryWindowStart": "2026-03-17T00:00:00Z", "summaryWindowEnd": "2026-03-18T00:00:00Z", "summaryProfile": "daily", "submissionType": "tenant_summary"}}]}"""));
        Assert.True(replayed.GetProperty("results")[0].GetProperty("idempotent").GetBoolean());
        await KeyTestKit.EventuallyAsync(() => wire.GetAsync("/api/v1/balance/customers/cust_1"),
            a => a.Status == 200 && Data(a).GetProperty("pendingDeltas").GetInt64() == 0, TimeSpan.FromSeconds(10), "batch VERIFIED");

        // derive and its helpers' query strings.
        var customer = Encode("team/\u00e9quipe");
        Assert.Contains("%2F", customer, StringComparison.Ordinal);
        var derive = Data(await wire.GetAsync($"/api/v1/balance/derive/{customer}?startingBalance=10&limit=10"));
        Assert.Equal(5, derive.GetProperty("computedBalance").GetInt64());
        Assert.Equal(1, derive.GetProperty("deltasCount").GetInt64());
        Assert.Equal(5, Data(await wire.GetAsync($"/api/v1/balance/derive/{customer}?startingBalance=10&timePreset=current_month")).GetProperty("computedBalance").GetInt64());
        var now = DateTimeOffset.UtcNow;
        var monthStart = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var monthsBack = await wire.GetAsync($"/api/v1/balance/derive/{customer}?timePreset=custom&startDate={Form(Iso(monthStart.AddMonths(-1)))}&endDate={Form(Iso(monthStart.AddMonths(1)))}");
        Assert.Equal(-5, Data(monthsBack).GetProperty("computedBalance").GetInt64());
        Assert.Contains("%3A", monthsBack.Request, StringComparison.Ordinal);
        var combination = await wire.GetAsync($"/api/v1/balance/derive/{customer}?startingCheckpoint={recordId}&period=2026-04");
        Assert.Equal(400, combination.Status);
        Assert.Equal("INVALID_SCOPE_COMBINATION", NestedCode(combination));
        Assert.Equal("SCOPE_TOO_WIDE", NestedCode(await wire.GetAsync($"/api/v1/balance/derive/{customer}?timePreset=custom&startDate=2024-01-01T00%3A00%3A00Z&endDate=2026-01-01T00%3A00%3A00Z")));

        // compare always carries startingBalance; 200 or 201 both read as success.
        var compare = Data(await wire.PostAsync("/api/v1/balance/compare",
            $$"""{"customerId": "team/\u00e9quipe", "yourBalance": -5.0, "theirBalance": -4.0, "startingBalance": 0}"""));
        Assert.True(compare.GetProperty("matchesYours").GetBoolean());
        Assert.False(compare.GetProperty("matchesTheirs").GetBoolean());

        // checkpoint with {} and the listing.
        var checkpoint = Data(await wire.PostAsync("/api/v1/balance/checkpoint", "{}"));
        Assert.StartsWith("chk_", checkpoint.GetProperty("checkpointId").GetString(), StringComparison.Ordinal);
        var listed = Data(await wire.GetAsync("/api/v1/balance/checkpoints?limit=5&offset=0"));
        Assert.Equal(1, listed.GetProperty("checkpoints").GetArrayLength());

        // receipt (unscoped) and invoice proof (scoped): the four URL/hint fields are strings or null.
        foreach (var path in new[] { $"/api/v1/balance/receipt/{customer}", $"/api/v1/balance/invoice-proof/{customer}?timePreset=current_month" })
        {
            var receipt = Data(await wire.GetAsync(path));
            Assert.Equal("team/\u00e9quipe", receipt.GetProperty("customerId").GetString());
            Assert.Equal(checkpoint.GetProperty("proofRoot").GetString(), receipt.GetProperty("proofRoot").GetString());
            Assert.EndsWith("/api/v1/verify/" + receipt.GetProperty("proofRoot").GetString(), receipt.GetProperty("verificationApiUrl").GetString(), StringComparison.Ordinal);
            foreach (var field in new[] { "verifyUrl", "accessHint", "customerLinkUrl", "customerLinkHost", "period" })
            {
                Assert.True(receipt.GetProperty(field).ValueKind is JsonValueKind.String or JsonValueKind.Null, field);
            }
        }

        // customers (search with a space, form-encoded as +), customer detail, gaps, usage.
        var customers = Data(await wire.GetAsync("/api/v1/balance/customers?search=team%2F%C3%A9&limit=25&page=1"));
        Assert.Equal(1, customers.GetProperty("customers").GetArrayLength());
        Assert.Equal(0, Data(await wire.GetAsync("/api/v1/balance/customers?search=team+x")).GetProperty("customers").GetArrayLength());
        var detail = Data(await wire.GetAsync($"/api/v1/balance/customers/{customer}?deltaPage=1&deltaLimit=20"));
        Assert.Equal(-5, detail.GetProperty("computedBalance").GetInt64());
        Assert.Equal(1, detail.GetProperty("totalDeltas").GetInt64());
        Assert.Equal(1, detail.GetProperty("recentActivity").GetProperty("pagination").GetProperty("total").GetInt64());
        Assert.False(Data(await wire.GetAsync($"/api/v1/balance/gaps/{customer}?fromSequence=1&limit=100")).GetProperty("hasGaps").GetBoolean());
        var usage = Data(await wire.GetAsync("/api/v1/balance/usage"));
        Assert.Equal(JsonValueKind.Number, usage.GetProperty("remaining").ValueKind);
        Assert.Equal(JsonValueKind.Number, usage.GetProperty("allowed").ValueKind);

        // customers.create(display_name=…, customer_id=…, sharing_state_hint=…, event_cadence=…, unit_label=…, options={"dashboardToken": jwt}):
        // to the key's base URL, outside /api/v1, with the key and the dashboard token; the envelope's data is returned as is.
        const string createBody = """{"displayName": "\u00c9quipe Alpha", "customerId": "new/\u00e9quipe", "sharingStateHint": "INHERIT", "eventCadence": "PER_EVENT", "unitLabel": "calls"}""";
        var keyAlone = await wire.PostAsync("/dashboard/customers", createBody);
        Assert.Equal(401, keyAlone.Status);
        var createdCustomer = await wire.PostAsync("/dashboard/customers", createBody, dashboardToken: session.Token);
        Assert.Equal(201, createdCustomer.Status);
        Assert.Contains("\r\nAuthorization: Bearer " + session.Token + "\r\n", createdCustomer.Request, StringComparison.Ordinal);
        var newCustomer = Data(createdCustomer);
        Assert.Equal(("new/\u00e9quipe", "\u00c9quipe Alpha", "calls", "PER_EVENT", "INHERIT", "sandbox"),
            (newCustomer.GetProperty("customerId").GetString(), newCustomer.GetProperty("displayName").GetString(), newCustomer.GetProperty("unitLabel").GetString(),
             newCustomer.GetProperty("eventCadence").GetString(), newCustomer.GetProperty("sharingStateHint").GetString(), newCustomer.GetProperty("environment").GetString()));
        Assert.Equal(JsonValueKind.String, newCustomer.GetProperty("createdAt").ValueKind);
        Assert.Equal(200, (await wire.PostAsync("/dashboard/customers", createBody, dashboardToken: session.Token)).Status); // a retry after a lost answer
        // Only the display name: the rest left out of the body, as the client leaves out what it was not given.
        var named = Data(await wire.PostAsync("/dashboard/customers", """{"displayName": "Team \u00e9quipe", "customerId": "team/\u00e9quipe"}""", dashboardToken: session.Token));
        Assert.Equal(JsonValueKind.Null, named.GetProperty("unitLabel").ValueKind);
        // balance.customers and balance.customer now carry the names: before its first delta (zero) and after (the balance).
        var listedNew = Data(await wire.GetAsync($"/api/v1/balance/customers?search={Encode("new/")}&limit=25&page=1")).GetProperty("customers");
        Assert.Equal(("\u00c9quipe Alpha", "calls", 0L), (listedNew[0].GetProperty("displayName").GetString(), listedNew[0].GetProperty("unitLabel").GetString(), listedNew[0].GetProperty("computedBalance").GetInt64()));
        var namedDetail = Data(await wire.GetAsync($"/api/v1/balance/customers/{customer}?deltaPage=1&deltaLimit=20"));
        Assert.Equal(("Team \u00e9quipe", -5L), (namedDetail.GetProperty("displayName").GetString(), namedDetail.GetProperty("computedBalance").GetInt64()));
        Assert.Equal("\u00c9quipe Alpha", Data(await wire.GetAsync($"/api/v1/balance/customers/{Encode("new/\u00e9quipe")}")).GetProperty("displayName").GetString());

        // Public verify: no key, the chain id header still sent.
        var verify = await wire.GetAsync($"/api/v1/verify/{Encode("0x" + checkpoint.GetProperty("proofRoot").GetString())}", withKey: false);
        Assert.True(Data(verify).GetProperty("verified").GetBoolean());
        Assert.Equal(200, (await wire.GetAsync($"/api/v1/verify/{checkpoint.GetProperty("proofRoot").GetString()}?source=chain", withKey: false)).Status);
        var probe = await wire.GetAsync("/api/v1/verify/0x%2Fab", withKey: false);
        Assert.Equal(400, probe.Status);
        Assert.Equal("proofRoot", JsonDocument.Parse(probe.Body).RootElement.GetProperty("error").GetProperty("details")[0].GetProperty("field").GetString());

        // Errors the client maps: 401 on a bad key, 404 on an unknown record, nested codes.
        Assert.Equal(401, (await new PythonWire(Stack.Local.Url(Role.Sandbox), key[..^2] + "xx").GetAsync("/api/v1/balance/usage")).Status);
        var missing = await wire.GetAsync("/api/v1/balance/delta/rec_00000000000000000000000000");
        Assert.Equal(404, missing.Status);
        Assert.Equal("NOT_FOUND", NestedCode(missing));

        // Every 2xx above was an envelope and every "status" anywhere was one the client keeps.
        Assert.NotEmpty(wire.Answers);
        foreach (var answer in wire.Answers.Where(a => a.Status is >= 200 and < 300))
        {
            var root = JsonDocument.Parse(answer.Body).RootElement;
            Assert.True(root.GetProperty("success").ValueKind == JsonValueKind.True && root.TryGetProperty("data", out _), answer.Request);
            Assert.All(Statuses(root), s => Assert.Contains(s, KeptStatuses));
            Assert.Equal("application/json; charset=utf-8", answer.Headers["content-type"]);
            Assert.False(answer.Headers.ContainsKey("content-encoding"));
        }
    }

    private static JsonElement Data(WireAnswer answer)
    {
        Assert.True(answer.Status is >= 200 and < 300, $"{answer.Request.Split('\r')[0]} → {answer.Status} {answer.Body}");
        return JsonDocument.Parse(answer.Body).RootElement.GetProperty("data").Clone();
    }

    private static string? NestedCode(WireAnswer answer) => JsonDocument.Parse(answer.Body).RootElement.GetProperty("error").GetProperty("code").GetString();

    /// <summary>Python's <c>urllib.parse.quote(value, safe="")</c>.</summary>
    private static string Encode(string value) => Uri.EscapeDataString(value);

    /// <summary>Python's <c>urlencode</c> for one value: form encoding, space as <c>+</c>, <c>:</c> as <c>%3A</c>.</summary>
    private static string Form(string value) => Uri.EscapeDataString(value).Replace("%20", "+", StringComparison.Ordinal);

    private static string Iso(DateTimeOffset t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static IEnumerable<string> Statuses(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => e.EnumerateObject().SelectMany(p => p.Name == "status" && p.Value.ValueKind == JsonValueKind.String ? [p.Value.GetString()!] : Statuses(p.Value)),
        JsonValueKind.Array => e.EnumerateArray().SelectMany(Statuses),
        _ => [],
    };
}

public sealed record WireAnswer(int Status, Dictionary<string, string> Headers, string Body, string Request);

/// <summary>Writes requests exactly as the Python client's urllib transport does and reads the raw HTTP/1.1 answer.</summary>
/// <param name="chainId">The <c>X-Chain-Id</c> the client sends: 296 for <c>pk_test_</c> keys, 295 for <c>pk_live_</c> keys.</param>
public sealed class PythonWire(Uri baseUrl, string apiKey, string chainId = "296")
{
    public List<WireAnswer> Answers { get; } = [];

    public Task<WireAnswer> GetAsync(string pathAndQuery, bool withKey = true) => SendAsync("GET", pathAndQuery, null, null, withKey);

    /// <param name="dashboardToken">The per-call option <c>dashboardToken</c>: sent as <c>Authorization: Bearer</c>, after the other headers.</param>
    public Task<WireAnswer> PostAsync(string path, string body, string? idempotencyKey = null, string? dashboardToken = null) =>
        SendAsync("POST", path, body, idempotencyKey, true, dashboardToken);

    private async Task<WireAnswer> SendAsync(string method, string target, string? body, string? idempotencyKey, bool withKey, string? dashboardToken = null)
    {
        // The body is ASCII: the client escapes non-ASCII as \uXXXX (json.dumps default).
        var bytes = body is null ? null : Encoding.ASCII.GetBytes(EscapeNonAscii(body));
        var head = new StringBuilder();
        head.Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\n");
        head.Append("Accept-Encoding: identity\r\n");
        if (bytes is not null)
        {
            head.Append("Content-Length: ").Append(bytes.Length).Append("\r\n");
        }

        head.Append("Host: ").Append(baseUrl.Authority).Append("\r\n");
        head.Append("User-Agent: pacspace-sdk-python/0.4.0\r\n");
        head.Append("Content-Type: application/json\r\n");
        if (withKey)
        {
            head.Append("X-Api-Key: ").Append(apiKey).Append("\r\n");
        }

        head.Append("X-Chain-Id: ").Append(chainId).Append("\r\n");
        if (idempotencyKey is not null)
        {
            head.Append("Idempotency-Key: ").Append(idempotencyKey).Append("\r\n");
        }

        if (dashboardToken is not null)
        {
            head.Append("Authorization: Bearer ").Append(dashboardToken).Append("\r\n");
        }

        head.Append("Connection: close\r\n\r\n");

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(baseUrl.Host, baseUrl.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
        if (bytes is not null)
        {
            await stream.WriteAsync(bytes);
        }

        using var response = new MemoryStream();
        await stream.CopyToAsync(response);
        var answer = Parse(response.ToArray(), head + (body ?? ""));
        Answers.Add(answer);
        return answer;
    }

    private static WireAnswer Parse(byte[] raw, string request)
    {
        var split = raw.AsSpan().IndexOf("\r\n\r\n"u8);
        var lines = Encoding.ASCII.GetString(raw, 0, split).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim().ToLowerInvariant(), p => p[1].Trim());
        var body = raw[(split + 4)..];
        if (headers.TryGetValue("transfer-encoding", out var te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Dechunk(body);
        }

        return new WireAnswer(status, headers, Encoding.UTF8.GetString(body), request);
    }

    private static byte[] Dechunk(byte[] data)
    {
        var output = new MemoryStream();
        var at = 0;
        while (true)
        {
            var lineEnd = data.AsSpan(at).IndexOf("\r\n"u8) + at;
            var size = Convert.ToInt32(Encoding.ASCII.GetString(data, at, lineEnd - at).Split(';')[0], 16);
            if (size == 0)
            {
                return output.ToArray();
            }

            output.Write(data, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
    }

    private static string EscapeNonAscii(string json) =>
        string.Concat(json.Select(c => c < 0x80 ? c.ToString() : $"\\u{(int)c:x4}"));
}

public sealed class PythonClientWireScenariosOnSqlite() : PythonClientWireScenarios(Store.Sqlite, null);

[Collection(PostgresCollection.Name)]
public sealed class PythonClientWireScenariosOnPostgres(PostgresServer postgres) : PythonClientWireScenarios(Store.Postgres, postgres);
