using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using PacSpace.Cli;
using PacSpace.Hosting.Web;
using PacSpace.IntegrationTests.Balance;
using PacSpace.IntegrationTests.Infrastructure;

namespace PacSpace.IntegrationTests.OneOrigin;

/// <summary>
/// The one origin: clients given only the control plane's address reach the plane of their key's prefix, with what the
/// plane answered (status, headers, body, request id) and with their own address, never one they claim.
/// </summary>
public abstract class OneOriginScenarios(OneOriginFixture fixture, Store store, PostgresServer? postgres) : IAsyncLifetime
{
    private static readonly IPAddress ClientAddress = IPAddress.Parse("127.0.0.7");

    private TestStack Stack => fixture.Stack;

    private Uri Origin => Stack.Url(Role.Dashboard);

    public Task InitializeAsync() => fixture.EnsureAsync(store, postgres);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task ApiV1_TestAndLiveKeyGivenOnlyTheOneOrigin_EachLandsOnItsOwnPlane()
    {
        using var http = new HttpClient { BaseAddress = Origin };
        Assert.Equal("sandbox", Data(await SendAsync(http, HttpMethod.Get, "/api/v1/whoami", fixture.TestKey)).GetProperty("environment").GetString());
        Assert.Equal("production", Data(await SendAsync(http, HttpMethod.Get, "/api/v1/whoami", fixture.LiveKey)).GetProperty("environment").GetString());

        var test = await SendAsync(http, HttpMethod.Post, "/api/v1/balance/delta", fixture.TestKey, """{"customerId":"only-test","delta":-3,"reason":"calls"}""");
        var live = await SendAsync(http, HttpMethod.Post, "/api/v1/balance/delta", fixture.LiveKey, """{"customerId":"only-live","delta":-4,"reason":"calls"}""");
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (test.Status, live.Status));

        foreach (var (plane, own, other) in new[] { (Role.Sandbox, "only-test", "only-live"), (Role.Production, "only-live", "only-test") })
        {
            // The hop to the plane is HTTP/2 on the plane's one-origin listener; the plane's own address still speaks HTTP/1.1.
            var key = plane == Role.Sandbox ? fixture.TestKey : fixture.LiveKey;
            Assert.Equal((plane, "HTTP/2"), await HopAsync(http, key));
            using (var straight = new HttpClient { BaseAddress = Stack.Url(plane) })
            {
                Assert.Equal((plane, "HTTP/1.1"), await HopAsync(straight, key));
            }

            await using var db = await Stack.PlaneDb(plane).OpenAsync(default);
            const string Count = $"SELECT COUNT(*) FROM {PlaneRows.Deltas} WHERE tenant_id = @t AND customer_id = @c";
            Assert.Equal(1, await db.ExecuteScalarAsync<long>(Count, new { t = fixture.Tenant.TenantId, c = own }));
            Assert.Equal(0, await db.ExecuteScalarAsync<long>(Count, new { t = fixture.Tenant.TenantId, c = other }));
        }
    }

    [Fact]
    public async Task ApiV1_PythonClientCalls_ThroughTheOneOrigin_OnTheWire()
    {
        var wire = new PythonWire(Origin, fixture.TestKey);

        // emit, retried after a lost answer: the same bytes and Idempotency-Key give the same answer.
        const string emitBody = """{"customerId": "wire/\u00e9quipe", "delta": -5.0, "reason": "API calls", "referenceId": "oo inv 1", "metadata": {"plan": "pro"}}""";
        var first = await wire.PostAsync("/api/v1/balance/delta", emitBody, idempotencyKey: "oo-retry-1");
        var retried = await wire.PostAsync("/api/v1/balance/delta", emitBody, idempotencyKey: "oo-retry-1");
        Assert.Equal((201, first.Body), (retried.Status, retried.Body));
        var emitted = WireData(first);
        Assert.Equal(("wire/\u00e9quipe", -5L), (emitted.GetProperty("customerId").GetString(), emitted.GetProperty("delta").GetInt64()));
        foreach (var field in new[] { "recordId", "status", "receiptId" })
        {
            Assert.Equal(JsonValueKind.String, emitted.GetProperty(field).ValueKind);
        }

        // delta status, polled as wait_for_verified does.
        var recordId = emitted.GetProperty("recordId").GetString()!;
        var status = await KeyTestKit.EventuallyAsync(() => wire.GetAsync($"/api/v1/balance/delta/{Uri.EscapeDataString(recordId)}"),
            a => a.Status == 200 && WireData(a).GetProperty("status").GetString() == "VERIFIED", TimeSpan.FromSeconds(10), "VERIFIED through the one origin");
        Assert.Equal(recordId, WireData(status).GetProperty("recordId").GetString());

        // derive, with a customer id whose '/' travels as %2F inside one segment.
        var customer = Uri.EscapeDataString("wire/\u00e9quipe");
        var derive = WireData(await wire.GetAsync($"/api/v1/balance/derive/{customer}?startingBalance=10&limit=10"));
        Assert.Equal((5L, 1L), (derive.GetProperty("computedBalance").GetInt64(), derive.GetProperty("deltasCount").GetInt64()));

        // customers, listed and one.
        var listed = WireData(await wire.GetAsync($"/api/v1/balance/customers?search={Uri.EscapeDataString("wire/")}&limit=25&page=1")).GetProperty("customers");
        Assert.Equal("wire/\u00e9quipe", Assert.Single(listed.EnumerateArray()).GetProperty("customerId").GetString());
        Assert.Equal(-5, WireData(await wire.GetAsync($"/api/v1/balance/customers/{customer}?deltaPage=1&deltaLimit=20")).GetProperty("computedBalance").GetInt64());

        // checkpoint and the receipt built on it: its verify URL names the one origin the client used.
        var checkpoint = WireData(await wire.PostAsync("/api/v1/balance/checkpoint", """{"customerId": "wire/\u00e9quipe"}"""));
        Assert.StartsWith("chk_", checkpoint.GetProperty("checkpointId").GetString(), StringComparison.Ordinal);
        var receipt = WireData(await wire.GetAsync($"/api/v1/balance/receipt/{customer}"));
        Assert.Equal(checkpoint.GetProperty("proofRoot").GetString(), receipt.GetProperty("proofRoot").GetString());
        Assert.StartsWith(Origin.ToString().TrimEnd('/') + "/api/v1/verify/", receipt.GetProperty("verificationApiUrl").GetString(), StringComparison.Ordinal);
        Assert.Equal(Origin.ToString().TrimEnd('/') + "/verify/" + receipt.GetProperty("proofRoot").GetString(), receipt.GetProperty("verifyUrl").GetString());

        // The live key on the same address, with its own chain id, lands on Production.
        var live = new PythonWire(Origin, fixture.LiveKey, chainId: "295");
        Assert.Equal(201, (await live.PostAsync("/api/v1/balance/delta", """{"customerId": "wire/\u00e9quipe", "delta": 7.0, "reason": "top-up"}""")).Status);
        // Balances count what a signed head covers, within about a sequencer round.
        await KeyTestKit.EventuallyAsync(() => live.GetAsync($"/api/v1/balance/derive/{customer}"),
            a => a.Status == 200 && WireData(a).GetProperty("computedBalance").GetInt64() == 7, TimeSpan.FromSeconds(10), "the live delta in the Production balance");

        // The client's errors: nested codes, and a 404 it maps to NotFoundError.
        var missing = await wire.GetAsync("/api/v1/balance/delta/rec_00000000000000000000000000");
        Assert.Equal((404, "NOT_FOUND"), (missing.Status, Code(missing.Body)));

        foreach (var answer in wire.Answers.Concat(live.Answers).Where(a => a.Status is >= 200 and < 300))
        {
            var root = JsonDocument.Parse(answer.Body).RootElement;
            Assert.True(root.GetProperty("success").ValueKind == JsonValueKind.True && root.TryGetProperty("data", out _), answer.Request);
            Assert.Equal("application/json; charset=utf-8", answer.Headers["content-type"]);
            Assert.False(answer.Headers.ContainsKey("content-encoding"));
        }
    }

    [Fact]
    public async Task ApiV1_RequestId_IsTheOneTheHopsShare()
    {
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        using var http = new HttpClient { BaseAddress = Origin };
        foreach (var key in new[] { fixture.TestKey, null })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/balance/delta/rec_00000000000000000000000000");
            request.Headers.TryAddWithoutValidation("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
            if (key is not null)
            {
                request.Headers.TryAddWithoutValidation("X-Api-Key", key);
            }

            using var response = await http.SendAsync(request);
            // The plane's 404 (key) and the one origin's own 401 (no key) carry the same id, once.
            Assert.Equal(key is null ? HttpStatusCode.Unauthorized : HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal([traceId], response.Headers.GetValues("X-Request-Id"));
        }

        // Without a traceparent the control plane starts the trace; the plane's answer still carries exactly one id.
        var plain = await SendAsync(http, HttpMethod.Get, "/api/v1/balance/delta/rec_00000000000000000000000000", fixture.LiveKey);
        Assert.Matches("^[0-9a-f]{32}$", Assert.Single(plain.Headers.GetValues("X-Request-Id")));
    }

    [Fact]
    public async Task ApiV1_PlaneAnswers_PassThroughWithStatusHeadersAndBody()
    {
        using var viaOrigin = new HttpClient { BaseAddress = Origin };
        using var direct = Stack.PlaneClient(Role.Production);
        const string path = "/api/v1/balance/customers/nobody-here";
        var proxied = await SendAsync(viaOrigin, HttpMethod.Get, path, fixture.LiveKey);
        var own = await SendAsync(direct, HttpMethod.Get, path, fixture.LiveKey);
        Assert.Equal(HttpStatusCode.NotFound, proxied.Status);
        Assert.Equal((own.Status, own.Raw), (proxied.Status, proxied.Raw));
        Assert.Equal(HeaderNames(own), HeaderNames(proxied));
        // Not decorated with the dashboard's page headers: the plane's answer as the plane wrote it.
        Assert.False(proxied.Headers.Contains("Content-Security-Policy"));
        Assert.Equal("nosniff", Assert.Single(proxied.Headers.GetValues("X-Content-Type-Options")));

        // A bad body is judged by the plane, in its words.
        var invalid = await SendAsync(viaOrigin, HttpMethod.Post, "/api/v1/balance/delta", fixture.TestKey, """{"customerId":"c","delta":"x","reason":"r"}""");
        Assert.Equal((HttpStatusCode.BadRequest, "VALIDATION_ERROR"), (invalid.Status, Code(invalid.Raw)));

        // The plane's rate limit (free plan here: 1 per second, burst 2) comes back as 429 with its Retry-After.
        Answer? limited = null;
        for (var i = 0; i < 10 && limited is null; i++)
        {
            var a = await SendAsync(viaOrigin, HttpMethod.Get, "/api/v1/balance/usage", fixture.LimitedKey);
            limited = a.Status == HttpStatusCode.TooManyRequests ? a : null;
        }

        Assert.NotNull(limited);
        Assert.Equal("RATE_LIMITED", Code(limited.Raw));
        var retryAfter = Assert.Single(limited.Headers.GetValues("Retry-After"));
        Assert.Equal(limited.Body.GetProperty("error").GetProperty("retryAfterSeconds").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture), retryAfter);
    }

    [Fact]
    public async Task ApiV1_Bodies_SmallReadWhole_LargeStreamed_ShortOnesRefused()
    {
        using var http = new HttpClient { BaseAddress = Origin };

        // A small body read whole before forwarding; the client's Expect: 100-continue is answered by the one origin.
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/balance/delta"))
        {
            request.Headers.TryAddWithoutValidation("X-Api-Key", fixture.TestKey);
            request.Headers.ExpectContinue = true;
            request.Content = new StringContent("""{"customerId":"bodies","delta":-2,"reason":"expect"}""", Encoding.UTF8, "application/json");
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            // The plane's answer has its length (not chunked), and it reaches the client so.
            var length = response.Content.Headers.ContentLength;
            Assert.Equal((await response.Content.ReadAsByteArrayAsync()).Length, length);
            Assert.Null(response.Headers.TransferEncodingChunked);
        }

        // Over the size read whole (64 KiB), the body streams: the plane still judges it (bad JSON at its end).
        var large = """{"customerId":"bodies","delta":-1,"reason":"large","metadata":{"pad":"PAD"}""".Replace("PAD", new string('x', 80_000), StringComparison.Ordinal);
        var streamed = await SendAsync(http, HttpMethod.Post, "/api/v1/balance/delta", fixture.TestKey, large);
        Assert.Equal((HttpStatusCode.BadRequest, "VALIDATION_ERROR"), (streamed.Status, Code(streamed.Raw)));

        // Over the planes' limit: 413 in the envelope, nothing recorded. Asked with Expect: 100-continue, as a client sending
        // that much should: the answer comes before the body, which a client still writing would otherwise race.
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/balance/delta"))
        {
            request.Headers.TryAddWithoutValidation("X-Api-Key", fixture.TestKey);
            request.Headers.ExpectContinue = true;
            request.Content = new StringContent(new string(' ', (int)JsonBody.MaxBytes + 10), Encoding.UTF8, "application/json");
            // However long the answer takes on a busy machine, the body waits for it.
            using var patient = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromSeconds(30) }) { BaseAddress = Origin };
            using var response = await patient.SendAsync(request);
            Assert.Equal((HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE"), (response.StatusCode, Code(await response.Content.ReadAsStringAsync())));
        }

        // A small body cut short (the client closes its side before its Content-Length): the connection is closed without
        // an answer, as the plane's own server does, and nothing is forwarded.
        using var socket = new System.Net.Sockets.TcpClient();
        await socket.ConnectAsync(Origin.Host, Origin.Port);
        var stream = socket.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"POST /api/v1/balance/delta HTTP/1.1\r\nHost: {Origin.Authority}\r\n"
            + $"X-Api-Key: {fixture.TestKey}\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{{\"customerId\":\"short\""));
        socket.Client.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        var raw = "";
        try
        {
            raw = await new StreamReader(stream, Encoding.UTF8).ReadToEndAsync();
        }
        catch (IOException)
        {
            // reset: closed without an answer
        }

        Assert.Equal("", raw);

        await using var db = await Stack.PlaneDb(Role.Sandbox).OpenAsync(default);
        var recorded = await db.QueryAsync<string>($"SELECT customer_id FROM {PlaneRows.Deltas} WHERE tenant_id = @t AND customer_id IN ('bodies', 'short')",
            new { t = fixture.Tenant.TenantId });
        Assert.Equal(["bodies"], recorded);
    }

    [Fact]
    public async Task ApiV1_SpoofedForwardedFor_NeverBecomesTheClientAddressOnThePlane()
    {
        using var viaOrigin = OneOriginFixture.ClientFrom(ClientAddress, Origin);
        using var direct = OneOriginFixture.ClientFrom(ClientAddress, Stack.Url(Role.Sandbox));
        var hop = ForwardedHop.Token(Stack.ServiceSecret);

        var plain = await ProbeAsync(viaOrigin, fixture.TestKey, []);
        var spoofed = await ProbeAsync(viaOrigin, fixture.TestKey, [("X-Forwarded-For", "203.0.113.9"), ("Forwarded", "for=203.0.113.9"), ("X-Real-IP", "203.0.113.9")]);
        var posingAsTheHop = await ProbeAsync(viaOrigin, fixture.LiveKey, [("X-Forwarded-For", "203.0.113.9"), (ForwardedHop.HeaderName, hop)]);
        var spoofedDirect = await ProbeAsync(direct, fixture.TestKey, [("X-Forwarded-For", "203.0.113.9")]);
        var forgedHop = await ProbeAsync(direct, fixture.TestKey, [("X-Forwarded-For", "203.0.113.9"), (ForwardedHop.HeaderName, new string('0', 64))]);

        // Through the one origin the plane sees the client's own address (the control plane connects from 127.0.0.1)…
        Assert.Equal((Role.Sandbox, ClientAddress), plain);
        Assert.Equal((Role.Sandbox, ClientAddress), spoofed);
        Assert.Equal((Role.Production, ClientAddress), posingAsTheHop);
        // …and on its own address a claimed one is believed neither bare nor with a made-up token.
        Assert.Equal((Role.Sandbox, ClientAddress), spoofedDirect);
        Assert.Equal((Role.Sandbox, ClientAddress), forgedHop);
        // Only the control plane's token carries an address (what a hop from another host of the control plane sends).
        Assert.Equal((Role.Sandbox, IPAddress.Parse("203.0.113.9")), await ProbeAsync(direct, fixture.TestKey, [("X-Forwarded-For", "203.0.113.9"), (ForwardedHop.HeaderName, hop)]));
    }

    [Fact]
    public async Task ApiV1_NoKeyOrAnUnknownPrefix_401InThePlanesEnvelope()
    {
        using var viaOrigin = new HttpClient { BaseAddress = Origin };
        using var direct = Stack.PlaneClient(Role.Sandbox);
        foreach (var key in new[] { null, "", "sk_test_abc.pk_test_abc", "pk_demo_abc.sk_demo_abc", "PK_TEST_abc" })
        {
            var proxied = await SendAsync(viaOrigin, HttpMethod.Get, "/api/v1/balance/usage", key);
            var own = await SendAsync(direct, HttpMethod.Get, "/api/v1/balance/usage", key);
            Assert.Equal(HttpStatusCode.Unauthorized, proxied.Status);
            Assert.Equal(key is null or "" ? "MISSING_API_KEY" : "INVALID_API_KEY", Code(proxied.Raw));
            // The same code and text as the plane's own answer, in the planes' envelope (no statusCode field).
            Assert.Equal(own.Raw, proxied.Raw);
            Assert.False(proxied.Body.TryGetProperty("statusCode", out _));
        }

        // Two keys: refused before either plane is asked.
        using var twice = new HttpRequestMessage(HttpMethod.Get, "/api/v1/balance/usage");
        twice.Headers.TryAddWithoutValidation("X-Api-Key", [fixture.TestKey, fixture.LiveKey]);
        using var answer = await viaOrigin.SendAsync(twice);
        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        Assert.Equal("INVALID_API_KEY", Code(await answer.Content.ReadAsStringAsync()));

        // A key with the right prefix is the plane's to judge.
        var mistyped = await SendAsync(viaOrigin, HttpMethod.Get, "/api/v1/balance/usage", fixture.LiveKey[..^2] + "zz");
        Assert.Equal((HttpStatusCode.Unauthorized, "INVALID_API_KEY"), (mistyped.Status, Code(mistyped.Raw)));
    }

    [Fact]
    public async Task VerifyRoutes_SandboxAndProductionReceiptsAndProofRoots_ThroughTheOneOriginWithoutAKey()
    {
        using var viaOrigin = new HttpClient { BaseAddress = Origin };
        foreach (var (plane, key) in new[] { (Role.Sandbox, fixture.TestKey), (Role.Production, fixture.LiveKey) })
        {
            var customer = "verify-" + plane.ToString().ToLowerInvariant();
            var emitted = Data(await SendAsync(viaOrigin, HttpMethod.Post, "/api/v1/balance/delta", key, $$"""{"customerId":"{{customer}}","delta":-2,"reason":"calls"}"""));
            var recordId = emitted.GetProperty("recordId").GetString()!;
            await KeyTestKit.EventuallyAsync(() => SendAsync(viaOrigin, HttpMethod.Get, $"/api/v1/balance/delta/{recordId}", key),
                a => a.Status == HttpStatusCode.OK && a.Data.GetProperty("status").GetString() == "VERIFIED", TimeSpan.FromSeconds(10), "VERIFIED");
            var checkpoint = Data(await SendAsync(viaOrigin, HttpMethod.Post, "/api/v1/balance/checkpoint", key, $$"""{"customerId":"{{customer}}"}"""));

            using var own = Stack.PlaneClient(plane);
            var receiptPath = "/api/v1/verify/receipt/" + emitted.GetProperty("receiptId").GetString();
            var receipt = await SendAsync(viaOrigin, HttpMethod.Get, receiptPath, null);
            Assert.True(receipt.Data.GetProperty("verified").GetBoolean(), receipt.Raw);
            Assert.Equal((await SendAsync(own, HttpMethod.Get, receiptPath, null)).Raw, receipt.Raw);

            var root = await SendAsync(viaOrigin, HttpMethod.Get, "/api/v1/verify/" + checkpoint.GetProperty("proofRoot").GetString(), null);
            Assert.True(root.Data.GetProperty("verified").GetBoolean(), root.Raw);

            var keysPath = "/api/v1/verify/keys/" + receipt.Data.GetProperty("origin").GetString();
            var logKey = await SendAsync(viaOrigin, HttpMethod.Get, keysPath, null);
            Assert.Equal(HttpStatusCode.OK, logKey.Status);
            Assert.Equal((await SendAsync(own, HttpMethod.Get, keysPath, null)).Raw, logKey.Raw);
        }

        // Neither plane has it: the last plane's 404; a malformed root: the first plane's 400.
        var unknown = await SendAsync(viaOrigin, HttpMethod.Get, "/api/v1/verify/" + new string('a', 64), null);
        Assert.Equal((HttpStatusCode.NotFound, "NOT_FOUND"), (unknown.Status, Code(unknown.Raw)));
        var malformed = await SendAsync(viaOrigin, HttpMethod.Get, "/api/v1/verify/0x%2Fab", null);
        Assert.Equal((HttpStatusCode.BadRequest, "VALIDATION_ERROR"), (malformed.Status, Code(malformed.Raw)));
    }

    [Fact]
    public async Task VerifyPages_SandboxAndProduction_VerifyUrlOpensOnTheOneOriginWithThePlanesPageAndScript()
    {
        using var viaOrigin = new HttpClient { BaseAddress = Origin };
        var origin = Origin.ToString().TrimEnd('/');
        foreach (var (plane, key) in new[] { (Role.Sandbox, fixture.TestKey), (Role.Production, fixture.LiveKey) })
        {
            var customer = "page-" + plane.ToString().ToLowerInvariant();
            var emitted = Data(await SendAsync(viaOrigin, HttpMethod.Post, "/api/v1/balance/delta", key, $$"""{"customerId":"{{customer}}","delta":-2,"reason":"calls"}"""));
            var recordId = emitted.GetProperty("recordId").GetString()!;
            var status = await KeyTestKit.EventuallyAsync(() => SendAsync(viaOrigin, HttpMethod.Get, $"/api/v1/balance/delta/{recordId}", key),
                a => a.Status == HttpStatusCode.OK && a.Data.GetProperty("status").GetString() == "VERIFIED", TimeSpan.FromSeconds(10), "VERIFIED");
            var checkpoint = Data(await SendAsync(viaOrigin, HttpMethod.Post, "/api/v1/balance/checkpoint", key, $$"""{"customerId":"{{customer}}"}"""));
            var root = checkpoint.GetProperty("proofRoot").GetString()!;
            Assert.Equal($"{origin}/verify/{root}", checkpoint.GetProperty("verifyUrl").GetString());

            // The plane's page, headers and all, from the one origin: the dashboard adds nothing (no cookie, not its policy).
            foreach (var url in new[] { $"{origin}/verify/{root}", origin + status.Data.GetProperty("proof").GetProperty("verifyUrl").GetString() })
            {
                using var page = await viaOrigin.GetAsync(url);
                var html = await page.Content.ReadAsStringAsync();
                Assert.True(page.StatusCode == HttpStatusCode.OK, $"{url}: {(int)page.StatusCode} {html}");
                Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
                Assert.Contains("default-src 'none'", Assert.Single(page.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
                Assert.False(page.Headers.Contains("Set-Cookie"));
                Assert.Contains($"data-testid=\"environment\">{plane}</span>", html, StringComparison.Ordinal);
                Assert.Contains($"curl -s '{origin}/api/v1/verify/", System.Net.WebUtility.HtmlDecode(html), StringComparison.Ordinal);

                var script = Regex.Match(html, "<script src=\"(?<src>[^\"]+)\"").Groups["src"].Value;
                using var asset = await viaOrigin.GetAsync(origin + System.Net.WebUtility.HtmlDecode(script));
                Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
                Assert.Equal("text/javascript", asset.Content.Headers.ContentType!.MediaType);
            }
        }

        // Neither plane has it: the last plane's 404 page; a malformed root: the first plane's 400 page.
        foreach (var (path, expected) in new[] { ("/verify/" + new string('a', 64), HttpStatusCode.NotFound), ("/verify/0x%2Fab", HttpStatusCode.BadRequest) })
        {
            using var page = await viaOrigin.GetAsync(path);
            Assert.Equal(expected, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        }
    }

    [Fact]
    public async Task ApiV1_WithoutOneOriginListeners_ForwardsOverHttp11ToThePlanesAddresses()
    {
        // A second control plane whose configuration names only the planes' own addresses (Planes:*:OneOriginUrl empty).
        await using var stack = await TestStack.StartAsync(store, postgres, o =>
        {
            foreach (var plane in new[] { Role.Sandbox, Role.Production })
            {
                o.Overrides[$"Planes:{plane}:InternalUrl"] = Stack.Url(plane).ToString();
                o.Overrides[$"Planes:{plane}:OneOriginUrl"] = "";
            }
        }, roles: [Role.Dashboard]);
        using var http = new HttpClient { BaseAddress = stack.Url(Role.Dashboard) };
        Assert.Equal((Role.Sandbox, "HTTP/1.1"), await HopAsync(http, fixture.TestKey));
        Assert.Equal((Role.Production, "HTTP/1.1"), await HopAsync(http, fixture.LiveKey));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ApiV1_PlaneDownOrSilent_503InTheEnvelope(bool http2)
    {
        // A control plane alone: Sandbox's address refuses connections, Production's accepts and never answers; over the
        // planes' one-origin listeners (HTTP/2) or, without them, over HTTP/1.1 to the planes' internal addresses.
        using var silent = new Blackhole();
        var refused = $"http://127.0.0.1:{LocalStack.FreePort("127.0.0.1")}";
        await using var stack = await TestStack.StartAsync(store, postgres, o =>
        {
            o.Overrides["Planes:Sandbox:InternalUrl"] = refused;
            o.Overrides["Planes:Production:InternalUrl"] = silent.Url;
            o.Overrides["Planes:Sandbox:OneOriginUrl"] = http2 ? refused : "";
            o.Overrides["Planes:Production:OneOriginUrl"] = http2 ? silent.Url : "";
            o.Overrides["Planes:ForwardTimeout"] = "00:00:01";
            o.Overrides["Planes:ForwardConnectTimeout"] = "00:00:00.500";
        }, roles: [Role.Dashboard]);
        using var http = new HttpClient { BaseAddress = stack.Url(Role.Dashboard), Timeout = TimeSpan.FromSeconds(20) };

        foreach (var (method, path, key, body) in new (HttpMethod, string, string?, string?)[]
                 {
                     (HttpMethod.Get, "/api/v1/balance/usage", fixture.TestKey, null),
                     (HttpMethod.Post, "/api/v1/balance/delta", fixture.LiveKey, """{"customerId":"c","delta":-1,"reason":"r"}"""),
                     (HttpMethod.Get, "/api/v1/verify/receipt/rcp_00000000000000000000000000", null, null),
                 })
        {
            var clock = Stopwatch.StartNew();
            var answer = await SendAsync(http, method, path, key, body);
            Assert.True(answer.Status == HttpStatusCode.ServiceUnavailable, $"{path}: {answer.Raw}");
            Assert.Equal("SERVICE_UNAVAILABLE", Code(answer.Raw));
            Assert.Equal("2", Assert.Single(answer.Headers.GetValues("Retry-After")));
            Assert.Equal(2, answer.Body.GetProperty("error").GetProperty("retryAfterSeconds").GetInt32());
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{path} took {clock.Elapsed}");
        }
    }

    /// <summary>Which plane answered a probe sent through <paramref name="http"/>, and over which HTTP version it arrived there.</summary>
    private async Task<(Role, string)> HopAsync(HttpClient http, string key)
    {
        var probe = Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/whoami");
        request.Headers.TryAddWithoutValidation("X-Api-Key", key);
        request.Headers.TryAddWithoutValidation(OneOriginFixture.ProbeHeader, probe);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (fixture.Seen[probe].Plane, fixture.Protocols[probe]);
    }

    private async Task<(Role, IPAddress?)> ProbeAsync(HttpClient http, string key, (string Name, string Value)[] headers)
    {
        var probe = Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/whoami");
        request.Headers.TryAddWithoutValidation("X-Api-Key", key);
        request.Headers.TryAddWithoutValidation(OneOriginFixture.ProbeHeader, probe);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return fixture.Seen[probe];
    }

    private static async Task<Answer> SendAsync(HttpClient http, HttpMethod method, string path, string? key, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Api-Key", key);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        Assert.False(string.IsNullOrEmpty(raw), $"{method} {path}: {(int)response.StatusCode} with an empty body");
        var headers = new HttpResponseMessage().Headers;
        foreach (var h in response.Headers.Concat(response.Content.Headers))
        {
            headers.TryAddWithoutValidation(h.Key, h.Value);
        }

        return new Answer(response.StatusCode, JsonDocument.Parse(raw).RootElement.Clone(), headers, raw);
    }

    private static JsonElement Data(Answer answer)
    {
        Assert.True((int)answer.Status is >= 200 and < 300, answer.Raw);
        return answer.Data;
    }

    private static JsonElement WireData(WireAnswer answer)
    {
        Assert.True(answer.Status is >= 200 and < 300, $"{answer.Request.Split('\r')[0]} → {answer.Status} {answer.Body}");
        return JsonDocument.Parse(answer.Body).RootElement.GetProperty("data").Clone();
    }

    private static string? Code(string body) => JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("code").GetString();

    private static string[] HeaderNames(Answer answer) =>
        [.. answer.Headers.Select(h => h.Key.ToLowerInvariant()).Where(n => n != "date").Order(StringComparer.Ordinal)];
}

public sealed class OneOriginScenariosOnSqlite(OneOriginFixture fixture) : OneOriginScenarios(fixture, Store.Sqlite, null), IClassFixture<OneOriginFixture>;

[Collection(PostgresCollection.Name)]
public sealed class OneOriginScenariosOnPostgres(OneOriginFixture fixture, PostgresServer postgres) : OneOriginScenarios(fixture, Store.Postgres, postgres), IClassFixture<OneOriginFixture>;
