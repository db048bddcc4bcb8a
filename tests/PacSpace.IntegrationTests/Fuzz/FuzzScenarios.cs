using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using CsCheck;
using Dapper;
using PacSpace.Cli;
using PacSpace.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PacSpace.IntegrationTests.Fuzz;

/// <summary>
/// Random requests to every route the OpenAPI documents of the control plane and of both planes list, with
/// generated path segments, query values and bodies (well-formed objects with the documented fields holding
/// random JSON, some with a delta's own fields valid so the rules behind validation are reached, and malformed
/// bytes), sent as a signed-in user with a valid key of each plane. Never a 5xx, never a hang, and a refused write
/// leaves all three databases as they were.
/// </summary>
/// <remarks>
/// The seed is fixed and the time budget short in <c>./test.sh</c>; a longer or different run:
/// <c>PACSPACE_FUZZ_SECONDS=600 PACSPACE_FUZZ_SEED=&lt;seed&gt; dotnet test tests/PacSpace.IntegrationTests -c Release --filter Category=Fuzz</c>.
/// </remarks>
[Trait("Category", "Fuzz")]
public sealed class FuzzScenarios(ITestOutputHelper output) : IAsyncLifetime
{
    private const string DefaultSeed = "0N0XIzNsQ0O2";

    // Routes whose success ends the fuzzer's own access; their refusals are still covered by the other suites.
    private static readonly string[] Skipped = ["/dashboard/auth/logout", "/dashboard/auth/logout-all"];

    private TestStack _stack = null!;
    private Session _session = null!;
    private string _key = "";
    private string _liveKey = "";

    public async Task InitializeAsync()
    {
        _stack = await TestStack.StartAsync(Store.Sqlite, null, o =>
        {
            foreach (var tier in PacSpace.Contracts.Plans.PlanCatalog.All.Select(p => p.Tier))
            {
                o.Overrides[$"Plane:RateLimits:{tier}:PermitsPerSecond"] = "1000000";
                o.Overrides[$"Plane:RateLimits:{tier}:Burst"] = "1000000";
            }

            o.Overrides["Auth:LoginRequestsPerMinutePerIp"] = "100000";
            o.Overrides["Billing:Mode"] = "SelfServe";
        });
        _session = await _stack.Dashboard.ReadyTenantAsync();
        await _stack.Dashboard.ActivateProductionAsync(_session);
        _key = (await _stack.Dashboard.CreateKeyAsync(_session)).FullKey;
        _liveKey = (await _stack.Dashboard.CreateKeyAsync(_session, "live")).FullKey;
        foreach (var (role, key) in new[] { (Role.Sandbox, _key), (Role.Production, _liveKey) })
        {
            // Its referenceId is among the generated ids, so a generated adjusts can name it (customer c1) or miss it.
            var emitted = await _stack.EmitAsync(role, key, $$"""{"customerId":"c1","delta":5,"reason":"seed","referenceId":"{{SeedReference}}"}""");
            await _stack.VerifiedAsync(role, key, emitted.Data.GetProperty("recordId").GetString()!);
        }
    }

    public Task DisposeAsync() => _stack.DisposeAsync().AsTask();

    [Fact]
    public async Task EveryRoute_RandomInput_NeverServerErrorOrHangAndRefusalsWriteNothing()
    {
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("PACSPACE_FUZZ_SECONDS"), out var s) ? s : 40;
        var seed = Environment.GetEnvironmentVariable("PACSPACE_FUZZ_SEED") is { Length: > 0 } given ? given : DefaultSeed;
        var routes = (await RoutesAsync(Role.Dashboard)).Concat(await RoutesAsync(Role.Sandbox)).Concat(await RoutesAsync(Role.Production)).ToArray();
        Assert.True(routes.Length > 20, $"only {routes.Length} routes found in the OpenAPI documents");

        using var dashboard = new HttpClient { BaseAddress = _stack.Local.Url(Role.Dashboard), Timeout = TimeSpan.FromSeconds(10) };
        using var sandbox = new HttpClient { BaseAddress = _stack.Local.Url(Role.Sandbox), Timeout = TimeSpan.FromSeconds(10) };
        using var production = new HttpClient { BaseAddress = _stack.Local.Url(Role.Production), Timeout = TimeSpan.FromSeconds(10) };
        var sent = 0;
        var byStatus = new Dictionary<int, int>();
        var limited = new HashSet<string>();
        var gen = Gen.Select(Gen.Int[0, routes.Length - 1], Segment.Array[3], QueryValue.Array[6], Body, Gen.Int[0, 9]);
        await gen.SampleAsync(async (routeIndex, segments, queryValues, body, contentTypeRoll) =>
        {
            var route = routes[routeIndex];
            var request = Build(route, segments, queryValues, body, contentTypeRoll);
            var before = route.Method == "GET" ? default : await FingerprintAsync();
            var started = Stopwatch.GetTimestamp();
            using var response = await (route.Role switch { Role.Dashboard => dashboard, Role.Sandbox => sandbox, _ => production }).SendAsync(request);
            var elapsed = Stopwatch.GetElapsedTime(started);
            var status = (int)response.StatusCode;
            Interlocked.Increment(ref sent);
            lock (byStatus)
            {
                byStatus[status] = byStatus.GetValueOrDefault(status) + 1;
                if (status == 429)
                {
                    limited.Add($"{route.Method} {route.Template}");
                }
            }

            var what = $"{route.Role} {route.Method} {request.RequestUri} {Describe(body)}";
            Assert.True(status < 500, $"{status} for {what}: {await response.Content.ReadAsStringAsync()}");
            Assert.True(elapsed < TimeSpan.FromSeconds(5), $"{elapsed.TotalSeconds:0.0} s for {what}");
            if (route.Method != "GET" && status >= 400)
            {
                Assert.Equal(before, await FingerprintAsync());
            }
        }, seed: seed, time: seconds, threads: 1, iter: long.MaxValue);

        output.WriteLine($"{sent} requests over {routes.Length} routes in {seconds} s, seed {seed}: "
            + string.Join(", ", byStatus.OrderBy(p => p.Key).Select(p => $"{p.Key}×{p.Value}"))
            + (limited.Count == 0 ? "" : "; rate-limited: " + string.Join(", ", limited)));
    }

    private sealed record Route(Role Role, string Method, string Template, string[] Query, string[] Fields, bool HasBody);

    private static readonly Gen<string> Nasty = Gen.OneOf(
        "", "a", "0", "-1", "1.5", "1e309", "99999999999999999999", "9999-12", "2026-13", "2000-01", "null", "true", "[]",
        "%", "%2F", "%ff", "%00", "%C0%AF", "..", "../..", "ü", "💥", "\u202E", "tnt_", "key_0", "rec_", "rcp_", "c1",
        "0x" + new string('f', 64), new string('e', 64), "a/b", "?x=1", "#", " ", "\t", new string('x', 300), "custom", "current_month",
        "proofRoot", "recordId", "sandbox", "production", "testnet", "mainnet", "test", "live", "pilot",
        // Webhook endpoints: a URL that is accepted, ones refused for their address, an event type.
        "https://203.0.113.10/hooks", "http://169.254.169.254/", "http://localhost:9/", "delta.verified");

    private static readonly Gen<string> Text = Gen.Char.Array[0, 24].Select(c => new string(c));

    private static readonly Gen<string> Segment = Gen.Frequency((3, Nasty), (1, Text));

    private static readonly Gen<string?> QueryValue = Gen.Frequency((2, Gen.Const((string?)null)), (3, Nasty.Select(v => (string?)v)), (1, Text.Select(v => (string?)v)));

    private static readonly Gen<string> Scalar = Gen.OneOf(
        Nasty.Select(v => JsonSerializer.Serialize(v)),
        Text.Select(v => JsonSerializer.Serialize(v)),
        Gen.Long.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Gen.OneOf("0", "-0", "1.0", "0.5", "1e400", "-1e-400", "1000000001", "-1000000000", "true", "false", "null", "\"\\ud800\"", "\"\\u0000\""));

    private const string SeedReference = "seed-ref";

    // An object with one id member, the shape of adjusts ({referenceId} or {recordId}), so its rule is reached too: a
    // delta of the same customer already recorded (the seed's, for c1), else 404 with nothing written.
    private static readonly Gen<string> IdObject = Gen.Select(Gen.OneOf("referenceId", "recordId"), Gen.Frequency((3, Nasty), (2, Gen.Const(SeedReference))))
        .Select((name, id) => $"{{\"{name}\":{JsonSerializer.Serialize(id)}}}");

    private static readonly Gen<string> Value = Gen.Frequency(
        (6, Scalar),
        (1, Scalar.Array[0, 3].Select(items => "[" + string.Join(",", items) + "]")),
        (1, Scalar.Array[0, 3].Select(items => "{" + string.Join(",", items.Select((v, i) => $"\"k{i}\":{v}")) + "}")),
        (1, IdObject));

    // Values a delta's own fields accept, so that the rules behind its validation (adjusts naming a recorded delta of the
    // customer, duplicates, the free plan) are reached as well: customerId, delta, reason and adjusts (null: none), in that order.
    private static readonly string[] DeltaFieldNames = ["customerId", "delta", "reason", "adjusts"];

    private static readonly Gen<string[]> DeltaFields = Gen.Select(Gen.OneOf("\"c1\"", "\"c2\""), Gen.Int[1, 1000], Gen.Bool, Gen.OneOf("\"usage\"", "\"fix\""),
            Gen.Frequency((1, Gen.Const("null")), (1, IdObject)))
        .Select((customer, amount, negative, reason, adjusts) =>
            new[] { customer, (negative ? -amount : amount).ToString(System.Globalization.CultureInfo.InvariantCulture), reason, adjusts });

    /// <summary>A body: the route's fields with random values (some left out, some extra), or bytes that are not such an object.</summary>
    private static readonly Gen<BodyShape> Body = Gen.Frequency(
        (6, Gen.Select(Value.Array[8], Gen.Int[0, 255], Gen.Bool).Select((values, mask, extra) => (BodyShape)new FieldsBody(values, mask, extra, null))),
        (2, Gen.Select(Value.Array[8], Gen.Int[0, 255], Gen.Bool, DeltaFields).Select((values, mask, extra, delta) => (BodyShape)new FieldsBody(values, mask, extra, delta))),
        (1, Gen.OneOf(
            "", "{", "}", "[]", "[1,2]", "\"text\"", "42", "null", "{\"a\":1,\"a\":2}", "{\"a\":\"\\ud800\"}",
            new string('[', 40) + new string(']', 40), "{\"a\":" + new string('[', 40) + new string(']', 40) + "}", "{\"a\":1}garbage")
            .Select(raw => (BodyShape)new RawBody(Encoding.UTF8.GetBytes(raw)))),
        (1, Gen.Byte.Array[0, 64].Select(bytes => (BodyShape)new RawBody(bytes))));

    private abstract record BodyShape;

    /// <summary>The route's fields that <see cref="Mask"/> keeps, with random values, except a delta's own fields when <see cref="Delta"/> gives them.</summary>
    private sealed record FieldsBody(string[] Values, int Mask, bool Extra, string[]? Delta) : BodyShape;

    private sealed record RawBody(byte[] Bytes) : BodyShape;

    private static string Describe(BodyShape body) => body switch
    {
        RawBody raw => "raw " + Convert.ToHexString(raw.Bytes.AsSpan(0, Math.Min(raw.Bytes.Length, 48))),
        FieldsBody f => $"fields mask {f.Mask} [{string.Join(", ", f.Values)}]{(f.Delta is null ? "" : " delta [" + string.Join(", ", f.Delta) + "]")}",
        _ => "",
    };

    private HttpRequestMessage Build(Route route, string[] segments, string?[] queryValues, BodyShape body, int contentTypeRoll)
    {
        var i = 0;
        var path = System.Text.RegularExpressions.Regex.Replace(route.Template, @"\{\**[^}]+\}",
            _ => Uri.EscapeDataString(segments[i++ % segments.Length]));
        var query = string.Join("&", route.Query.Zip(queryValues).Where(q => q.Second is not null)
            .Select(q => $"{q.First}={Uri.EscapeDataString(q.Second!)}"));
        var request = new HttpRequestMessage(new HttpMethod(route.Method), query.Length == 0 ? path : path + "?" + query);
        if (route.Role == Role.Dashboard)
        {
            request.Headers.Add("Cookie", $"pacspace_session={_session.Cookie}");
            request.Headers.Add("X-Pacspace-CSRF", "1");
        }
        else
        {
            request.Headers.TryAddWithoutValidation("X-Api-Key", route.Role == Role.Production ? _liveKey : _key);
            // The plane's dashboard routes need the user's token besides the key (the others ignore it): their bodies are reached too.
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + _session.Token);
        }

        if (route.HasBody || body is RawBody)
        {
            var bytes = body switch
            {
                FieldsBody f => Encoding.UTF8.GetBytes("{" + string.Join(",", route.Fields
                    .Select((name, n) => (name, n, delta: f.Delta is null ? -1 : Array.IndexOf(DeltaFieldNames, name)))
                    .Where(p => p.delta >= 0 || (f.Mask & (1 << (p.n % 8))) != 0)
                    .Select(p => $"{JsonSerializer.Serialize(p.name)}:{(p.delta >= 0 ? f.Delta![p.delta] : f.Values[p.n % f.Values.Length])}")
                    .Concat(f.Extra ? ["\"unexpected\":" + f.Values[^1]] : [])) + "}"),
                RawBody raw => raw.Bytes,
                _ => [],
            };
            request.Content = new ByteArrayContent(bytes);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentTypeRoll switch
            {
                0 => "text/plain",
                1 => "application/json; charset=latin1",
                2 => "application/x-www-form-urlencoded",
                _ => "application/json",
            });
        }

        return request;
    }

    /// <summary>
    /// Row counts of every table a write could touch, in both databases. Not <c>login_throttle</c>: counting a refused
    /// login is what that table is for.
    /// </summary>
    private async Task<string> FingerprintAsync()
    {
        await using var control = await _stack.ControlDb.OpenAsync(default);
        await using var sandbox = await _stack.PlaneDb(Role.Sandbox).OpenAsync(default);
        await using var production = await _stack.PlaneDb(Role.Production).OpenAsync(default);
        // An accepted sign-up earlier in the run activates its Sandbox in the background (a ledger on the plane, an audit
        // entry): let that finish first, so that only the request under test can change what is counted.
        var settle = Stopwatch.StartNew();
        while (await control.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM environments WHERE status = 'activating'") > 0 && settle.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20);
        }

        var a = await control.QuerySingleAsync<(long, long, long, long, long, long, long, long)>(
            """
            SELECT (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM tenants), (SELECT COUNT(*) FROM api_keys),
                   (SELECT COUNT(*) FROM audit_log), (SELECT COUNT(*) FROM access_requests),
                   (SELECT COUNT(*) FROM environments WHERE status <> 'none'),
                   (SELECT COUNT(*) FROM recovery_codes), (SELECT COUNT(*) FROM password_reset_tokens WHERE used_at IS NULL)
            """);
        // Webhook endpoints: a refused change must neither add one nor bump one's version.
        var w = await control.QuerySingleAsync<(long, long)>("SELECT COUNT(*), COALESCE(SUM(version), 0) FROM webhook_endpoints");
        const string planeCounts =
            "SELECT (SELECT COUNT(*) FROM deltas), (SELECT COUNT(*) FROM checkpoints), (SELECT COUNT(*) FROM tenant_ledgers), (SELECT COUNT(*) FROM webhook_endpoints), (SELECT COUNT(*) FROM customer_profiles), "
            + "(SELECT COUNT(*) FROM record_entries), (SELECT COUNT(*) FROM records)";
        var b = await sandbox.QuerySingleAsync<(long, long, long, long, long, long, long)>(planeCounts);
        var c = await production.QuerySingleAsync<(long, long, long, long, long, long, long)>(planeCounts);
        return $"{a} {w} {b} {c}";
    }

    private async Task<IReadOnlyList<Route>> RoutesAsync(Role role)
    {
        using var client = new HttpClient { BaseAddress = _stack.Local.Url(role) };
        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        var root = document.RootElement;
        var routes = new List<Route>();
        foreach (var path in root.GetProperty("paths").EnumerateObject().Where(p => !Skipped.Contains(p.Name)))
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "put" or "patch" or "delete"))
            {
                var parameters = operation.Value.TryGetProperty("parameters", out var ps) ? ps.EnumerateArray().ToList() : [];
                var query = parameters.Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString()!).ToArray();
                var hasBody = operation.Value.TryGetProperty("requestBody", out var requestBody);
                routes.Add(new Route(role, operation.Name.ToUpperInvariant(), path.Name, query, hasBody ? FieldsOf(root, requestBody) : [], hasBody));
            }
        }

        return routes;
    }

    private static string[] FieldsOf(JsonElement root, JsonElement requestBody)
    {
        if (!requestBody.TryGetProperty("content", out var content) || !content.TryGetProperty("application/json", out var json)
            || !json.TryGetProperty("schema", out var schema))
        {
            return [];
        }

        if (schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!.Split('/')[^1];
            schema = root.GetProperty("components").GetProperty("schemas").GetProperty(name);
        }

        return schema.TryGetProperty("properties", out var properties) ? [.. properties.EnumerateObject().Select(p => p.Name)] : [];
    }
}
