using System.Globalization;
using System.Net;
using System.Text.Json;
using Dapper;
using PacSpace.Cli;
using PacSpace.IntegrationTests.Dashboard;
using PacSpace.IntegrationTests.Infrastructure;
using PacSpace.Ledger;

namespace PacSpace.IntegrationTests.Balance;

/// <summary>Derive, compare, checkpoints, receipts, customers, gaps, usage and public verify on a running plane, on SQLite and PostgreSQL.</summary>
public abstract class ReadScenarios(Store store, PostgresServer? postgres, SharedStacks shared) : SharedStackTests(store, postgres, shared)
{
    [Fact]
    public async Task TwoMonths_DeriveCompareCheckpointsReceiptsAndVerify_AllAgreeAndProofsCheckOffline()
    {
        // The whole stack runs on a clock set to the 10th of last month; later it moves to the 10th of this month.
        var clock = new AdjustableClock();
        var real = DateTimeOffset.UtcNow;
        var thisMonth = new DateTimeOffset(real.Year, real.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var lastMonth = thisMonth.AddMonths(-1);
        clock.Advance(lastMonth.AddDays(9).AddHours(12) - real);
        var stack = await StartStackAsync(o => o.ConfigureServices = (_, services) => services.UseClock(clock));
        var session = await stack.Dashboard.ReadyTenantAsync();
        var key = (await stack.Dashboard.CreateKeyAsync(session)).FullKey;
        var prev = lastMonth.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var cur = thisMonth.ToString("yyyy-MM", CultureInfo.InvariantCulture);

        await EmitAllAsync(stack, key, ("team/a", 100), ("team/a", -30), ("team/a", -20), ("b", 5));
        clock.Advance(thisMonth.AddDays(9) - lastMonth.AddDays(9));
        await EmitAllAsync(stack, key, ("team/a", -10), ("team/a", -5));

        // Derive: last month, this month (the default), from a starting balance, paged.
        var derivePrev = (await Get(stack, key, $"/api/v1/balance/derive/team%2Fa?period={prev}")).Data;
        Assert.Equal(50, derivePrev.GetProperty("computedBalance").GetInt64());
        Assert.Equal(3, derivePrev.GetProperty("deltasCount").GetInt64());
        Assert.Equal([100L, -30L, -20L], derivePrev.GetProperty("deltas").EnumerateArray().Select(d => d.GetProperty("delta").GetInt64()));
        Assert.Equal(derivePrev.GetProperty("deltas")[2].GetProperty("receiptId").GetString(), derivePrev.GetProperty("latestReceiptId").GetString());
        var deriveCur = (await Get(stack, key, "/api/v1/balance/derive/team%2Fa?startingBalance=50")).Data;
        Assert.Equal(35, deriveCur.GetProperty("computedBalance").GetInt64());
        Assert.Equal(2, deriveCur.GetProperty("deltasCount").GetInt64());
        Assert.Equal(cur, deriveCur.GetProperty("scope").GetProperty("period").GetString());
        var paged = (await Get(stack, key, "/api/v1/balance/derive/team%2Fa?timePreset=last_12_months&limit=2&offset=3")).Data;
        Assert.Equal(35, paged.GetProperty("computedBalance").GetInt64());
        Assert.Equal(5, paged.GetProperty("deltasCount").GetInt64());
        Assert.Equal([-10L, -5L], paged.GetProperty("deltas").EnumerateArray().Select(d => d.GetProperty("delta").GetInt64()));
        var custom = (await Get(stack, key, $"/api/v1/balance/derive/team%2Fa?timePreset=custom&startDate={lastMonth.AddDays(9):yyyy-MM-dd}T00%3A00%3A00Z&endDate={thisMonth:yyyy-MM-dd}")).Data;
        Assert.Equal(50, custom.GetProperty("computedBalance").GetInt64());

        // Resume from the last delta of last month: only this month's deltas count.
        var fromRecord = (await Get(stack, key, $"/api/v1/balance/derive/team%2Fa?startingCheckpoint={derivePrev.GetProperty("latestReceiptId").GetString()}&startingBalance=50")).Data;
        Assert.Equal(35, fromRecord.GetProperty("computedBalance").GetInt64());
        Assert.Equal("checkpoint", fromRecord.GetProperty("scope").GetProperty("mode").GetString());

        // Compare against the neutral balance.
        var compare = await stack.SendAsync(Role.Sandbox, HttpMethod.Post, "/api/v1/balance/compare", key,
            """{"customerId": "team/a", "yourBalance": 35.0, "theirBalance": 40, "startingBalance": 50}""");
        Assert.Equal(HttpStatusCode.OK, compare.Status);
        Assert.Equal(35, compare.Data.GetProperty("neutralBalance").GetInt64());
        Assert.True(compare.Data.GetProperty("matchesYours").GetBoolean());
        Assert.False(compare.Data.GetProperty("matchesTheirs").GetBoolean());
        Assert.Equal(5, compare.Data.GetProperty("theirDifference").GetInt64());

        // Checkpoint of last month: created once, then the same one again.
        var cpPrev = await Post(stack, key, "/api/v1/balance/checkpoint", $$"""{"period": "{{prev}}"}""");
        Assert.Equal(HttpStatusCode.Created, cpPrev.Status);
        var again = await Post(stack, key, "/api/v1/balance/checkpoint", $$"""{"period": "{{prev}}"}""");
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(cpPrev.Data.GetProperty("checkpointId").GetString(), again.Data.GetProperty("checkpointId").GetString());
        Assert.Equal(0, cpPrev.Data.GetProperty("fromSize").GetInt64());
        Assert.Equal(4, cpPrev.Data.GetProperty("toSize").GetInt64());
        Assert.Equal(55, cpPrev.Data.GetProperty("netChange").GetInt64());
        Assert.Equal("VERIFIED", cpPrev.Data.GetProperty("status").GetString());

        // This month, for one customer: opening 50, closing 35, consistency from last month's size.
        var cpCur = await Post(stack, key, "/api/v1/balance/checkpoint", """{"customerId": "team/a"}""");
        Assert.Equal(HttpStatusCode.Created, cpCur.Status);
        var d = cpCur.Data;
        Assert.Equal(4, d.GetProperty("fromSize").GetInt64());
        Assert.Equal(6, d.GetProperty("toSize").GetInt64());
        var customer = d.GetProperty("customer");
        Assert.Equal(50, customer.GetProperty("openingBalance").GetInt64());
        Assert.Equal(35, customer.GetProperty("closingBalance").GetInt64());
        Assert.Equal(-15, customer.GetProperty("netChange").GetInt64());

        // Everything a third party needs comes from the public route, without a key; checked here with the Ledger code only.
        var root = d.GetProperty("proofRoot").GetString()!;
        var verify = await stack.SendAsync(Role.Sandbox, HttpMethod.Get, "/api/v1/verify/0x" + root.ToUpperInvariant(), key: null);
        Assert.Equal(HttpStatusCode.OK, verify.Status);
        var v = verify.Data;
        Assert.True(v.GetProperty("verified").GetBoolean());
        Assert.Equal(2, v.GetProperty("summary").GetProperty("deltaCount").GetInt64());
        Assert.Equal(-15, v.GetProperty("summary").GetProperty("netChange").GetInt64());
        var publicKey = Convert.FromBase64String(v.GetProperty("publicKey").GetString()!);
        Assert.True(PeriodStatement.Verify(v.GetProperty("periodStatement"), Convert.FromBase64String(v.GetProperty("signature").GetString()!), publicKey));
        Assert.True(SignedNote.Verify(v.GetProperty("checkpoint").GetString()!, v.GetProperty("origin").GetString()!, publicKey, out var body));
        Assert.True(Checkpoint.TryParse(body, out var head));
        Assert.Equal(root, Hex.Encode(head!.RootHash));
        var prevRoot = Convert.FromHexString(cpPrev.Data.GetProperty("proofRoot").GetString()!);
        var consistency = v.GetProperty("consistencyFromPrevious");
        Assert.Equal(cpPrev.Data.GetProperty("proofRoot").GetString(), consistency.GetProperty("prevRoot").GetString());
        Assert.True(MerkleTree.VerifyConsistency(4, 6, prevRoot, head.RootHash, Hashes(consistency.GetProperty("proof"))));
        var tampered = JsonDocument.Parse(v.GetProperty("periodStatement").GetRawText().Replace("\"netChange\":\"-15\"", "\"netChange\":\"-14\"")).RootElement;
        Assert.False(PeriodStatement.Verify(tampered, Convert.FromBase64String(v.GetProperty("signature").GetString()!), publicKey));

        // The customer's closing balance is one leaf of balancesRoot (in the signed statement).
        var proof = customer.GetProperty("balanceProof");
        var leaf = new BalanceLeaf("team/a", 5, proof.GetProperty("lastIndex").GetInt64(), 35).Encode();
        Assert.Equal(Hex.Encode(leaf), proof.GetProperty("leaf").GetString());
        Assert.True(MerkleTree.VerifyInclusion(proof.GetProperty("leafIndex").GetInt64(), proof.GetProperty("leafCount").GetInt64(), MerkleTree.HashLeaf(leaf),
            Hashes(proof.GetProperty("proof")), Convert.FromHexString(v.GetProperty("periodStatement").GetProperty("balancesRoot").GetString()!)));

        // Receipts: last month's invoice proof carries the right root, balances, deltas and links.
        var invoice = (await Get(stack, key, $"/api/v1/balance/invoice-proof/team%2Fa?period={prev}")).Data;
        Assert.Equal(cpPrev.Data.GetProperty("proofRoot").GetString(), invoice.GetProperty("proofRoot").GetString());
        Assert.Equal(50, invoice.GetProperty("closingBalance").GetInt64());
        Assert.Equal(3, invoice.GetProperty("deltas").GetArrayLength());
        Assert.EndsWith("/api/v1/verify/" + invoice.GetProperty("proofRoot").GetString(), invoice.GetProperty("verificationApiUrl").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.String, invoice.GetProperty("accessHint").ValueKind);
        var receipt = (await Get(stack, key, "/api/v1/balance/receipt/team%2Fa")).Data;
        Assert.Equal(root, receipt.GetProperty("proofRoot").GetString());
        Assert.Equal(35, receipt.GetProperty("closingBalance").GetInt64());

        // Listings and the customer views.
        Assert.Equal(1, (await Get(stack, key, $"/api/v1/balance/checkpoints?period={prev}")).Data.GetProperty("pagination").GetProperty("total").GetInt64());
        Assert.Equal(2, (await Get(stack, key, "/api/v1/balance/checkpoints?customerId=b")).Data.GetProperty("checkpoints").GetArrayLength());
        var detail = (await Get(stack, key, $"/api/v1/balance/customers/team%2Fa?period={prev}&deltaLimit=2")).Data;
        Assert.Equal(35, detail.GetProperty("computedBalance").GetInt64());
        Assert.Equal(5, detail.GetProperty("totalDeltas").GetInt64());
        Assert.Equal(50, detail.GetProperty("period").GetProperty("closingBalance").GetInt64());
        Assert.Equal(2, detail.GetProperty("recentActivity").GetProperty("items").GetArrayLength());
        Assert.Equal(3, detail.GetProperty("recentActivity").GetProperty("pagination").GetProperty("total").GetInt64());
        Assert.Equal(root, detail.GetProperty("latestCheckpoint").GetProperty("proofRoot").GetString());
    }

    private static readonly (string Path, string Code, string Field)[] BadQueries =
    [
        ("derive/c?period=2026-11&timePreset=custom", "INVALID_SCOPE_COMBINATION", "period"),
        ("derive/c?startingCheckpoint=rec_01m843hv7ffnsbjmh0hykea2a5&period=2026-11", "INVALID_SCOPE_COMBINATION", "startingCheckpoint"),
        ("derive/c?timePreset=current_month&startDate=2026-11-01", "INVALID_SCOPE_COMBINATION", "startDate"),
        ("derive/c?timePreset=custom&startDate=2026-11-01", "INVALID_SCOPE_COMBINATION", "timePreset"),
        ("derive/c?endDate=2026-11-01", "INVALID_SCOPE_COMBINATION", "endDate"),
        ("derive/c?startDate=2024-01-01&endDate=2026-01-01", "SCOPE_TOO_WIDE", "endDate"),
        ("derive/c?period=2026-13", "VALIDATION_ERROR", "period"),
        ("derive/c?timePreset=yesterday", "VALIDATION_ERROR", "timePreset"),
        ("derive/c?startDate=soon&endDate=2026-01-01", "VALIDATION_ERROR", "startDate"),
        ("derive/c?startDate=2026-02-01&endDate=2026-01-01", "VALIDATION_ERROR", "endDate"),
        ("derive/c?limit=0", "VALIDATION_ERROR", "limit"),
        ("derive/c?limit=1001", "VALIDATION_ERROR", "limit"),
        ("derive/c?startingBalance=1.5", "VALIDATION_ERROR", "startingBalance"),
        ("derive/c?startingCheckpoint=xyz", "VALIDATION_ERROR", "startingCheckpoint"),
        ("derive/c?startingCheckpoint=rec_01m843hv7ffnsbjmh0hykea2a5&startingCheckpointType=anchorId", "VALIDATION_ERROR", "startingCheckpointType"),
        ("derive/c?startingCheckpointType=proofRoot", "VALIDATION_ERROR", "startingCheckpointType"),
        ("derive/c?period=2026-10&period=2026-11", "VALIDATION_ERROR", "period"),
        ("checkpoints?limit=500", "VALIDATION_ERROR", "limit"),
        ("invoice-proof/c?startingCheckpoint=rec_01m843hv7ffnsbjmh0hykea2a5", "VALIDATION_ERROR", "startingCheckpoint"),
        ("customers?page=0", "VALIDATION_ERROR", "page"),
        ("customers/c?deltaLimit=101", "VALIDATION_ERROR", "deltaLimit"),
        ("gaps/c?fromSequence=5&toSequence=2", "VALIDATION_ERROR", "toSequence"),
    ];

    [Fact]
    public async Task BadScopesAndQueries_400WithTheCodeNamingTheField()
    {
        var session = await Api.ReadyTenantAsync();
        var key = (await Api.CreateKeyAsync(session)).FullKey;

        foreach (var (path, code, field) in BadQueries)
        {
            var answer = await Get(Stack, key, "/api/v1/balance/" + path, HttpStatusCode.BadRequest);
            Assert.True(answer.Code == code && answer.DetailFields.Contains(field), $"{path}: {answer}");
        }
    }

    private static readonly (string Body, string Code, string Field)[] BadCheckpoints =
    [
        ("""{"period": "2026-11", "timePreset": "current_month"}""", "INVALID_SCOPE_COMBINATION", "timePreset"),
        ("""{"period": 202611}""", "VALIDATION_ERROR", "period"),
        ("""{"mode": "subset"}""", "VALIDATION_ERROR", "mode"),
        ("""{"fingerprints": ["aa"]}""", "VALIDATION_ERROR", "fingerprints"),
        ("""{"startingCheckpoint": "rec_01m843hv7ffnsbjmh0hykea2a5"}""", "VALIDATION_ERROR", "startingCheckpoint"),
        ("""{"customerId": 5}""", "VALIDATION_ERROR", "customerId"),
        ("""[1]""", "VALIDATION_ERROR", "body"),
    ];

    [Fact]
    public async Task BadCheckpointOrCompare_400AndNothingStored()
    {
        var session = await Api.ReadyTenantAsync();
        var key = (await Api.CreateKeyAsync(session)).FullKey;
        await EmitAllAsync(Stack, key, ("c", 7));

        foreach (var (body, code, field) in BadCheckpoints)
        {
            var checkpoint = await Post(Stack, key, "/api/v1/balance/checkpoint", body);
            Assert.True(checkpoint.Status == HttpStatusCode.BadRequest && checkpoint.Code == code && checkpoint.DetailFields.Contains(field), $"{body}: {checkpoint}");
        }

        var compare = await Post(Stack, key, "/api/v1/balance/compare", """{"customerId": "c", "yourBalance": 7.5, "theirBalance": "7"}""");
        Assert.Equal(HttpStatusCode.BadRequest, compare.Status);
        Assert.Equal(["theirBalance", "yourBalance"], compare.DetailFields.Order(StringComparer.Ordinal));

        await using var plane = await Stack.PlaneDb(Role.Sandbox).OpenAsync(default);
        Assert.Equal(0, await plane.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM checkpoints WHERE tenant_id = @t", new { t = session.TenantId }));
    }

    [Fact]
    public async Task CheckpointOrReceipt_ForCustomerWithoutDeltas_404AndNoWindowClosed()
    {
        var session = await Api.ReadyTenantAsync();
        var key = (await Api.CreateKeyAsync(session)).FullKey;
        await EmitAllAsync(Stack, key, ("c", 7));
        await using var plane = await Stack.PlaneDb(Role.Sandbox).OpenAsync(default);
        Task<long> Checkpoints() => plane.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM checkpoints WHERE tenant_id = @t", new { t = session.TenantId });

        var refused = await Post(Stack, key, "/api/v1/balance/checkpoint", """{"customerId": "nobody"}""");
        Assert.Equal((HttpStatusCode.NotFound, "CUSTOMER_NOT_FOUND"), (refused.Status, refused.Code));
        Assert.Equal("CUSTOMER_NOT_FOUND", (await Get(Stack, key, "/api/v1/balance/receipt/nobody", HttpStatusCode.NotFound)).Code);
        Assert.Equal(0, await Checkpoints());

        // Once the window is closed (for a customer it holds), the unknown customer is still refused from the stored checkpoint.
        Assert.Equal(HttpStatusCode.Created, (await Post(Stack, key, "/api/v1/balance/checkpoint", """{"customerId": "c"}""")).Status);
        var again = await Post(Stack, key, "/api/v1/balance/checkpoint", """{"customerId": "nobody"}""");
        Assert.Equal(refused.Raw, again.Raw);
        Assert.Equal(1, await Checkpoints());
    }

    [Fact]
    public async Task Customers_SearchPagingDetailAndGaps_AndGapsReportsATamperedChain()
    {
        var session = await Api.ReadyTenantAsync();
        var key = (await Api.CreateKeyAsync(session)).FullKey;
        await EmitAllAsync(Stack, key, ("Acme Corp", 10), ("acme_eu", 20), ("acmeXeu", 1), ("beta", 3), ("acme_eu", -5));

        var search = (await Get(Stack, key, "/api/v1/balance/customers?search=ACME+corp")).Data;
        Assert.Equal(["Acme Corp"], search.GetProperty("customers").EnumerateArray().Select(c => c.GetProperty("customerId").GetString()));
        // "_" is matched literally, not as LIKE's any-character.
        var literal = (await Get(Stack, key, "/api/v1/balance/customers?search=e_e")).Data;
        Assert.Equal(["acme_eu"], literal.GetProperty("customers").EnumerateArray().Select(c => c.GetProperty("customerId").GetString()));
        var page2 = (await Get(Stack, key, "/api/v1/balance/customers?limit=2&page=2")).Data;
        Assert.Equal(2, page2.GetProperty("customers").GetArrayLength());
        Assert.Equal(4, page2.GetProperty("pagination").GetProperty("total").GetInt64());
        Assert.Equal(2, page2.GetProperty("pagination").GetProperty("totalPages").GetInt64());
        var acmeEu = (await Get(Stack, key, "/api/v1/balance/customers?search=acme_eu")).Data.GetProperty("customers")[0];
        Assert.Equal(15, acmeEu.GetProperty("computedBalance").GetInt64());
        Assert.Equal(2, acmeEu.GetProperty("totalDeltas").GetInt64());

        var unknown = await Get(Stack, key, "/api/v1/balance/customers/nobody", HttpStatusCode.NotFound);
        Assert.Equal("CUSTOMER_NOT_FOUND", unknown.Code);

        var gaps = (await Get(Stack, key, "/api/v1/balance/gaps/acme_eu")).Data;
        Assert.False(gaps.GetProperty("hasGaps").GetBoolean());
        Assert.Equal(2, gaps.GetProperty("checked").GetInt64());
        Assert.Equal(0, gaps.GetProperty("chainBreaks").GetArrayLength());

        // Break the stored chain behind the API's back: the check must notice.
        await using (var plane = await Stack.PlaneDb(Role.Sandbox).OpenAsync(default))
        {
            await plane.ExecuteAsync("""
                UPDATE deltas SET balance_after = balance_after + 1 WHERE ledger_no = (SELECT ledger_no FROM tenant_ledgers WHERE tenant_id = @t)
                  AND customer_no = (SELECT customer_no FROM log_customers WHERE customer_id = 'acme_eu' AND ledger_no = deltas.ledger_no) AND customer_seq = 2
                """,
                new { t = session.TenantId });
        }

        var broken = (await Get(Stack, key, "/api/v1/balance/gaps/acme_eu")).Data;
        Assert.Equal(2, broken.GetProperty("chainBreaks")[0].GetProperty("sequence").GetInt64());
    }

    [Fact]
    public async Task OtherTenant_SeesNothingOfTheFirst()
    {
        var owner = await Api.ReadyTenantAsync();
        var ownerKey = (await Api.CreateKeyAsync(owner)).FullKey;
        var records = await EmitAllAsync(Stack, ownerKey, ("shared-name", 40));
        var checkpoint = await Post(Stack, ownerKey, "/api/v1/balance/checkpoint", "{}");
        Assert.Equal(HttpStatusCode.Created, checkpoint.Status);

        var other = await Api.ReadyTenantAsync();
        var otherKey = (await Api.CreateKeyAsync(other)).FullKey;
        var derive = (await Get(Stack, otherKey, "/api/v1/balance/derive/shared-name")).Data;
        Assert.Equal(0, derive.GetProperty("computedBalance").GetInt64());
        Assert.Equal(0, derive.GetProperty("deltas").GetArrayLength());
        Assert.Equal("NOT_FOUND", (await Get(Stack, otherKey, "/api/v1/balance/derive/shared-name?startingCheckpoint=" + checkpoint.Data.GetProperty("proofRoot").GetString(), HttpStatusCode.NotFound)).Code);
        Assert.Equal("NOT_FOUND", (await Get(Stack, otherKey, "/api/v1/balance/derive/shared-name?startingCheckpoint=" + records[0], HttpStatusCode.NotFound)).Code);
        Assert.Equal("CUSTOMER_NOT_FOUND", (await Get(Stack, otherKey, "/api/v1/balance/customers/shared-name", HttpStatusCode.NotFound)).Code);
        Assert.Equal(0, (await Get(Stack, otherKey, "/api/v1/balance/customers")).Data.GetProperty("pagination").GetProperty("total").GetInt64());
        Assert.Equal(0, (await Get(Stack, otherKey, "/api/v1/balance/checkpoints")).Data.GetProperty("pagination").GetProperty("total").GetInt64());
        Assert.Equal("CHECKPOINT_EMPTY", (await Post(Stack, otherKey, "/api/v1/balance/checkpoint", "{}")).Code);
        Assert.Equal(0, (await Get(Stack, otherKey, "/api/v1/balance/usage")).Data.GetProperty("used").GetInt64());
    }

    [Fact]
    public async Task UsageLimitsAndChainId()
    {
        var session = await Api.ReadyTenantAsync();
        var key = (await Api.CreateKeyAsync(session)).FullKey;
        await EmitAllAsync(Stack, key, ("u", 1), ("u", 2), ("v", 3));

        var usage = (await Get(Stack, key, "/api/v1/balance/usage")).Data;
        Assert.Equal("free", usage.GetProperty("plan").GetString());
        Assert.Equal(100, usage.GetProperty("allowed").GetInt64());
        Assert.Equal(3, usage.GetProperty("used").GetInt64());
        Assert.Equal(97, usage.GetProperty("remaining").GetInt64());

        var limits = (await Get(Stack, key, "/api/v1/balance/limits")).Data;
        Assert.Equal(12, limits.GetProperty("maxScopeMonths").GetInt32());
        Assert.Contains("custom", limits.GetProperty("timePresets").EnumerateArray().Select(p => p.GetString()));

        Assert.Equal(HttpStatusCode.OK, (await GetWithChain(key, "296")).Status);
        var wrong = await GetWithChain(key, "295");
        Assert.Equal(HttpStatusCode.BadRequest, wrong.Status);
        Assert.Equal(["X-Chain-Id"], wrong.DetailFields);

        // Production: paid plan, monthly allotment, chain 295.
        await Api.ActivateProductionAsync(session);
        var live = (await Api.CreateKeyAsync(session, "live")).FullKey;
        Assert.Equal(HttpStatusCode.Created, (await Stack.EmitAsync(Role.Production, live, """{"customerId": "p", "delta": 9, "reason": "r"}""")).Status);
        var liveUsage = await KeyTestKit.EventuallyAsync(() => Stack.SendAsync(Role.Production, HttpMethod.Get, "/api/v1/balance/usage", live,
                headers: new Dictionary<string, string> { ["X-Chain-Id"] = "295" }),
            a => a.Data.GetProperty("used").GetInt64() == 1, TimeSpan.FromSeconds(10), "production usage counts the verified delta");
        Assert.Equal(10_000, liveUsage.Data.GetProperty("allowed").GetInt64());
        Assert.Equal(9_999, liveUsage.Data.GetProperty("remaining").GetInt64());

        Task<Answer> GetWithChain(string k, string chain) => Stack.SendAsync(Role.Sandbox, HttpMethod.Get, "/api/v1/balance/usage", k,
            headers: new Dictionary<string, string> { ["X-Chain-Id"] = chain });
    }

    [Fact]
    public async Task VerifyByProofRoot_UnknownIs404_MalformedIs400_KeysByOrigin()
    {
        var session = await Api.ReadyTenantAsync();
        var key = (await Api.CreateKeyAsync(session)).FullKey;
        await EmitAllAsync(Stack, key, ("k", 1));

        Assert.Equal("NOT_FOUND", (await Stack.SendAsync(Role.Sandbox, HttpMethod.Get, "/api/v1/verify/" + new string('a', 64), null)).Code);
        var malformed = await Stack.SendAsync(Role.Sandbox, HttpMethod.Get, "/api/v1/verify/0x%2Fab", null);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.Status);
        Assert.Equal(["proofRoot"], malformed.DetailFields);
        Assert.Equal(["source"], (await Stack.SendAsync(Role.Sandbox, HttpMethod.Get, "/api/v1/verify/" + new string('a', 64) + "?source=mirror", null)).DetailFields);

        await using var plane = await Stack.PlaneDb(Role.Sandbox).OpenAsync(default);
        var origin = await plane.ExecuteScalarAsync<string>("SELECT origin FROM tenant_ledgers WHERE tenant_id = @t", new { t = session.TenantId });
        var keys = await Stack.SendAsync(Role.Sandbox, HttpMethod.Get, "/api/v1/verify/keys/" + origin, null);
        Assert.Equal(HttpStatusCode.OK, keys.Status);
        Assert.Equal(origin, keys.Data.GetProperty("origin").GetString());
        Assert.True(SignedNote.Verify(keys.Data.GetProperty("checkpoint").GetString()!, origin!, Convert.FromBase64String(keys.Data.GetProperty("publicKey").GetString()!), out _));
        Assert.Equal(HttpStatusCode.NotFound, (await Stack.SendAsync(Role.Sandbox, HttpMethod.Get, "/api/v1/verify/keys/elsewhere/tnt_x/sandbox", null)).Status);
    }

    /// <summary>Emits each (customer, amount) and waits until all are VERIFIED; returns the record ids.</summary>
    internal static async Task<List<string>> EmitAllAsync(TestStack stack, string key, params (string Customer, long Amount)[] deltas)
    {
        var ids = new List<string>();
        foreach (var (customer, amount) in deltas)
        {
            var answer = await stack.EmitAsync(Role.Sandbox, key, JsonSerializer.Serialize(new { customerId = customer, delta = amount, reason = "usage" }));
            Assert.True(answer.Status == HttpStatusCode.Created, answer.ToString());
            ids.Add(answer.Data.GetProperty("recordId").GetString()!);
        }

        foreach (var id in ids)
        {
            await stack.VerifiedAsync(Role.Sandbox, key, id);
        }

        return ids;
    }

    private static async Task<Answer> Get(TestStack stack, string key, string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var answer = await stack.SendAsync(Role.Sandbox, HttpMethod.Get, path, key);
        Assert.True(answer.Status == expected, $"GET {path}: {answer}");
        return answer;
    }

    private static Task<Answer> Post(TestStack stack, string key, string path, string body) => stack.SendAsync(Role.Sandbox, HttpMethod.Post, path, key, body);

    private static List<byte[]> Hashes(JsonElement array) => array.EnumerateArray().Select(h => Convert.FromHexString(h.GetString()!)).ToList();
}

public sealed class ReadScenariosOnSqlite(SharedStacks shared) : ReadScenarios(Store.Sqlite, null, shared);

[Collection(PostgresCollection.Name)]
public sealed class ReadScenariosOnPostgres(PostgresServer postgres, SharedStacks shared) : ReadScenarios(Store.Postgres, postgres, shared);
