using System.Net;
using System.Text.Json;
using PacSpace.Cli;
using PacSpace.IntegrationTests.Dashboard;
using PacSpace.IntegrationTests.Infrastructure;
using PacSpace.IntegrationTests.Records;

namespace PacSpace.IntegrationTests.Ledger;

/// <summary>
/// The planes' internal read routes behind the dashboard's data pages (<c>/internal/v1/tenants/{tenantId}/…</c>): the service
/// secret is required, every read is the route's tenant's only (another tenant's customer or delta is a 404), keyset pages
/// cover a list exactly once, filters and searches narrow it, and bad query values are a 400 naming the field. The pages
/// themselves answer in the page when a plane is down. On SQLite and PostgreSQL.
/// </summary>
public abstract class LedgerReadScenarios(Store store, PostgresServer? postgres, SharedStacks shared) : SharedStackTests(store, postgres, shared)
{
    [Fact]
    public async Task ReadRoutes_WithoutOrWithAWrongServiceSecret_Are401()
    {
        var session = await Api.ReadyTenantAsync();
        foreach (var path in new[] { "/customers", "/customers/c1" })
        {
            var none = await ReadAsync(Role.Sandbox, session.TenantId, path, secret: null);
            var wrong = await ReadAsync(Role.Sandbox, session.TenantId, path, secret: new string('x', 40));
            foreach (var answer in new[] { none, wrong })
            {
                Assert.True(answer.Status == HttpStatusCode.Unauthorized, answer.ToString());
                Assert.Equal("UNAUTHENTICATED", answer.Code);
            }
        }
    }

    [Fact]
    public async Task Customers_AnotherTenantsCustomer_Is404_AndNeverListed()
    {
        var (owner, ownerKey) = await TenantWithKeyAsync();
        var (other, _) = await TenantWithKeyAsync();
        await EmitVerifiedAsync(ownerKey, ("shared-name", 5), ("owners-only", 3));

        Assert.Equal(HttpStatusCode.OK, (await ReadAsync(Role.Sandbox, owner.TenantId, "/customers/owners-only")).Status);
        var foreign = await ReadAsync(Role.Sandbox, other.TenantId, "/customers/owners-only");
        Assert.True(foreign.Status == HttpStatusCode.NotFound, foreign.ToString());
        Assert.Equal("CUSTOMER_NOT_FOUND", foreign.Code);
        var list = await ReadAsync(Role.Sandbox, other.TenantId, "/customers");
        Assert.Equal(0, list.Data.GetProperty("customers").GetArrayLength());

        // The other environment's plane does not know the customer either, for the same tenant.
        await Api.ActivateProductionAsync(owner);
        Assert.Equal(HttpStatusCode.NotFound, (await ReadAsync(Role.Production, owner.TenantId, "/customers/owners-only")).Status);
        Assert.Equal(0, (await ReadAsync(Role.Production, owner.TenantId, "/customers")).Data.GetProperty("customers").GetArrayLength());
    }

    [Fact]
    public async Task Customers_KeysetPages_CoverEveryCustomerOnceInByteOrder_CreatedAheadIncluded()
    {
        var (session, key) = await TenantWithKeyAsync();
        await EmitVerifiedAsync(key, ("b-2", 1), ("a-1", 2), ("B-0", 3), ("c/3", 4), ("a-1", 5));
        // Two customers created ahead of their deltas, one of them beside the deltas of an existing one.
        await CreateCustomerAsync(session, "a-0", "Zed Industries");
        await CreateCustomerAsync(session, "c/3", "Charlie");

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await ReadAsync(Role.Sandbox, session.TenantId, "/customers?limit=2" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            Assert.True(page.Status == HttpStatusCode.OK, page.ToString());
            var customers = page.Data.GetProperty("customers");
            Assert.InRange(customers.GetArrayLength(), 1, 2);
            seen.AddRange(customers.EnumerateArray().Select(c => c.GetProperty("customerId").GetString()!));
            cursor = page.Data.GetProperty("next").GetString();
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(["B-0", "a-0", "a-1", "b-2", "c/3"], seen);
        Assert.Equal(3, pages);

        var all = (await ReadAsync(Role.Sandbox, session.TenantId, "/customers")).Data.GetProperty("customers").EnumerateArray().ToDictionary(c => c.GetProperty("customerId").GetString()!);
        Assert.Equal((7L, 2L), (all["a-1"].GetProperty("balance").GetInt64(), all["a-1"].GetProperty("deltaCount").GetInt64()));
        Assert.Equal(("Charlie", 4L, 1L), (all["c/3"].GetProperty("displayName").GetString(), all["c/3"].GetProperty("balance").GetInt64(), all["c/3"].GetProperty("deltaCount").GetInt64()));
        Assert.NotEqual(JsonValueKind.Null, all["c/3"].GetProperty("lastDeltaAt").ValueKind);
        Assert.Equal(("Zed Industries", 0L, JsonValueKind.Null), (all["a-0"].GetProperty("displayName").GetString(), all["a-0"].GetProperty("balance").GetInt64(),
            all["a-0"].GetProperty("lastDeltaAt").ValueKind));
    }

    [Fact]
    public async Task Customers_SearchByIdStartAndByNameStart_NarrowTheList()
    {
        var (session, key) = await TenantWithKeyAsync();
        await EmitVerifiedAsync(key, ("acme-1", 1), ("acme-2", 1), ("ACME-3", 1), ("globex", 1));
        await CreateCustomerAsync(session, "acme-2", "Road Runner Supplies");
        await CreateCustomerAsync(session, "x-9", "roadside Diner");
        await CreateCustomerAsync(session, "x-7", "Acme Rockets");

        Assert.Equal(["acme-1", "acme-2"], await IdsAsync(session, "/customers?search=acme"));
        Assert.Equal(["ACME-3"], await IdsAsync(session, "/customers?search=ACME&by=id"));
        Assert.Empty(await IdsAsync(session, "/customers?search=zzz"));
        // By name: any case, in the order of the lower-case name; customers without a profile have no name to match.
        Assert.Equal(["acme-2", "x-9"], await IdsAsync(session, "/customers?search=ROAD&by=name"));
        Assert.Equal(["x-7"], await IdsAsync(session, "/customers?search=acme&by=name"));

        // Pages of a name search go on after the last name shown.
        var first = await ReadAsync(Role.Sandbox, session.TenantId, "/customers?search=road&by=name&limit=1");
        var next = first.Data.GetProperty("next").GetString()!;
        var second = await ReadAsync(Role.Sandbox, session.TenantId, "/customers?search=road&by=name&limit=1&cursor=" + Uri.EscapeDataString(next));
        Assert.Equal("x-9", second.Data.GetProperty("customers")[0].GetProperty("customerId").GetString());
        Assert.Equal(JsonValueKind.Null, second.Data.GetProperty("next").ValueKind);
    }

    [Fact]
    public async Task Customer_FiguresMatchDerive_DeltasPagedNewestFirstWithRunningBalance_AndItsCheckpoints()
    {
        var (session, key) = await TenantWithKeyAsync();
        await CreateCustomerAsync(session, "team/acme", "Acme Corp", "credits");
        await EmitVerifiedAsync(key, ("team/acme", 100), ("other", 1), ("team/acme", -30), ("team/acme", 12), ("team/acme", -2), ("team/acme", 5));
        var checkpoint = await Stack.SendAsync(Role.Sandbox, HttpMethod.Post, "/api/v1/balance/checkpoint", key, "{}");
        Assert.True(checkpoint.Status == HttpStatusCode.Created, checkpoint.ToString());

        var detail = await ReadAsync(Role.Sandbox, session.TenantId, "/customers/team%2Facme?limit=2");
        Assert.True(detail.Status == HttpStatusCode.OK, detail.ToString());
        var c = detail.Data;
        var derived = await Stack.SendAsync(Role.Sandbox, HttpMethod.Get, "/api/v1/balance/derive/team%2Facme", key);
        Assert.Equal(derived.Data.GetProperty("computedBalance").GetInt64(), c.GetProperty("balance").GetInt64());
        Assert.Equal((85L, 5L, 0L), (c.GetProperty("balance").GetInt64(), c.GetProperty("deltaCount").GetInt64(), c.GetProperty("pendingDeltas").GetInt64()));
        Assert.Equal(("Acme Corp", "credits"), (c.GetProperty("displayName").GetString(), c.GetProperty("unitLabel").GetString()));

        var deltas = new List<JsonElement>();
        var cursor = (string?)null;
        do
        {
            var page = await ReadAsync(Role.Sandbox, session.TenantId, "/customers/team%2Facme?limit=2" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            deltas.AddRange(page.Data.GetProperty("deltas").GetProperty("deltas").EnumerateArray());
            cursor = page.Data.GetProperty("deltas").GetProperty("next").GetString();
        }
        while (cursor is not null);

        Assert.Equal([5L, -2L, 12L, -30L, 100L], deltas.Select(d => d.GetProperty("delta").GetInt64()));
        Assert.Equal([85L, 80L, 82L, 70L, 100L], deltas.Select(d => d.GetProperty("balanceAfter").GetInt64()));
        Assert.Equal([5L, 4L, 3L, 2L, 1L], deltas.Select(d => d.GetProperty("customerSeq").GetInt64()));
        Assert.All(deltas, d =>
        {
            Assert.Equal("VERIFIED", d.GetProperty("status").GetString());
            Assert.Equal("team/acme", d.GetProperty("customerId").GetString());
            Assert.EndsWith(d.GetProperty("receiptId").GetString()!, d.GetProperty("verifyUrl").GetString()!, StringComparison.Ordinal);
        });

        var checkpoints = c.GetProperty("checkpoints");
        Assert.Equal(1, checkpoints.GetArrayLength());
        Assert.Equal(checkpoint.Data.GetProperty("proofRoot").GetString(), checkpoints[0].GetProperty("proofRoot").GetString());
        Assert.Equal((85L, 5L), (checkpoints[0].GetProperty("closingBalance").GetInt64(), checkpoints[0].GetProperty("deltaCount").GetInt64()));
        await AssertVerificationPageAsync(checkpoints[0].GetProperty("verifyUrl").GetString()!);
    }

    [Fact]
    public async Task Deltas_NewestFirstInKeysetPages_FilteredByStatusCustomerAndTime()
    {
        var (session, key) = await TenantWithKeyAsync();
        var before = DateTimeOffset.UtcNow.AddSeconds(-1).ToUnixTimeMilliseconds();
        await EmitVerifiedAsync(key, ("d-1", 1), ("d-2", 2), ("d-1", 3), ("d-3", 4), ("d-1", 5));
        var after = DateTimeOffset.UtcNow.AddSeconds(1).ToUnixTimeMilliseconds();

        var amounts = new List<long>();
        var indexes = new List<long>();
        string? cursor = null;
        do
        {
            var page = await ReadAsync(Role.Sandbox, session.TenantId, "/deltas?limit=2" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            Assert.True(page.Status == HttpStatusCode.OK, page.ToString());
            foreach (var d in page.Data.GetProperty("deltas").EnumerateArray())
            {
                amounts.Add(d.GetProperty("delta").GetInt64());
                indexes.Add(d.GetProperty("logIndex").GetInt64());
                Assert.Equal("VERIFIED", d.GetProperty("status").GetString());
            }

            cursor = page.Data.GetProperty("next").GetString();
        }
        while (cursor is not null);

        Assert.Equal([5L, 4L, 3L, 2L, 1L], amounts);
        Assert.Equal(indexes.OrderDescending(), indexes);

        Assert.Equal([5L, 3L, 1L], await AmountsAsync(session, "/deltas?customerId=d-1"));
        Assert.Empty(await AmountsAsync(session, "/deltas?customerId=nobody"));
        Assert.Equal(5, (await AmountsAsync(session, "/deltas?status=VERIFIED")).Count);
        Assert.Empty(await AmountsAsync(session, "/deltas?status=queued"));
        Assert.Equal(5, (await AmountsAsync(session, $"/deltas?from={before}&to={after}")).Count);
        Assert.Empty(await AmountsAsync(session, $"/deltas?from={after}"));
        Assert.Empty(await AmountsAsync(session, $"/deltas?to={before}"));
        Assert.Equal([5L, 3L], await AmountsAsync(session, $"/deltas?customerId=d-1&from={before}&status=verified&limit=2"));
    }

    [Fact]
    public async Task Delta_ItsReceiptProof_AnotherTenantsOrEnvironmentsRecordIs404()
    {
        var (owner, key) = await TenantWithKeyAsync();
        var (other, _) = await TenantWithKeyAsync();
        var emitted = await Stack.EmitAsync(Role.Sandbox, key, """{"customerId":"p-1","delta":-7,"reason":"api calls","referenceId":"inv-9"}""");
        var recordId = emitted.Data.GetProperty("recordId").GetString()!;
        var status = await Stack.VerifiedAsync(Role.Sandbox, key, recordId);

        var detail = await ReadAsync(Role.Sandbox, owner.TenantId, "/deltas/" + recordId);
        Assert.True(detail.Status == HttpStatusCode.OK, detail.ToString());
        var d = detail.Data;
        Assert.Equal(("VERIFIED", "p-1", -7L, "api calls", "inv-9"), (d.GetProperty("status").GetString(), d.GetProperty("customerId").GetString(),
            d.GetProperty("delta").GetInt64(), d.GetProperty("reason").GetString(), d.GetProperty("referenceId").GetString()));
        var proof = d.GetProperty("proof");
        var expected = status.Data.GetProperty("proof");
        foreach (var field in new[] { "logIndex", "treeSize", "balanceAfter", "customerSeq" })
        {
            Assert.Equal(expected.GetProperty(field).GetInt64(), proof.GetProperty(field).GetInt64());
        }

        Assert.Equal(expected.GetProperty("verifyUrl").GetString(), proof.GetProperty("verifyUrl").GetString());
        Assert.Equal(status.Data.GetProperty("content").GetRawText(), d.GetProperty("content").GetRawText());

        Assert.Equal(HttpStatusCode.NotFound, (await ReadAsync(Role.Sandbox, other.TenantId, "/deltas/" + recordId)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await ReadAsync(Role.Sandbox, owner.TenantId, "/deltas/rec_not-a-record")).Status);
        await Api.ActivateProductionAsync(owner);
        Assert.Equal(HttpStatusCode.NotFound, (await ReadAsync(Role.Production, owner.TenantId, "/deltas/" + recordId)).Status);
    }

    [Fact]
    public async Task Checkpoints_NewestFirstInKeysetPages_WithStatementAndVerifyLink_OfTheTenantOnly()
    {
        var (session, key) = await TenantWithKeyAsync();
        var (other, _) = await TenantWithKeyAsync();
        await EmitVerifiedAsync(key, ("k-1", 10), ("k-2", -4));
        var roots = new List<string>();
        foreach (var body in new[] { "{}", """{"timePreset":"last_7_days"}""", """{"timePreset":"last_30_days"}""" })
        {
            var made = await Stack.SendAsync(Role.Sandbox, HttpMethod.Post, "/api/v1/balance/checkpoint", key, body);
            Assert.True(made.Status == HttpStatusCode.Created, made.ToString());
            roots.Add(made.Data.GetProperty("checkpointId").GetString()!);
        }

        var seen = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await ReadAsync(Role.Sandbox, session.TenantId, "/checkpoints?limit=2" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            Assert.True(page.Status == HttpStatusCode.OK, page.ToString());
            seen.AddRange(page.Data.GetProperty("checkpoints").EnumerateArray());
            cursor = page.Data.GetProperty("next").GetString();
        }
        while (cursor is not null);

        roots.Reverse();
        Assert.Equal(roots, seen.Select(k => k.GetProperty("checkpointId").GetString()));
        Assert.All(seen, k =>
        {
            Assert.Equal((2L, 6L, 2L), (k.GetProperty("deltaCount").GetInt64(), k.GetProperty("netChange").GetInt64(), k.GetProperty("customerCount").GetInt64()));
            Assert.Contains($"\n{k.GetProperty("toSize").GetInt64()}\n", k.GetProperty("checkpoint").GetString()!, StringComparison.Ordinal);
            Assert.Equal(JsonValueKind.Object, k.GetProperty("statement").ValueKind);
            Assert.Equal(k.GetProperty("proofRoot").GetString(), k.GetProperty("statement").GetProperty("rootHash").GetString());
            Assert.EndsWith(k.GetProperty("proofRoot").GetString()!, k.GetProperty("verifyUrl").GetString()!, StringComparison.Ordinal);
        });
        await AssertVerificationPageAsync(seen[0].GetProperty("verifyUrl").GetString()!);

        Assert.Equal(3, (await ReadAsync(Role.Sandbox, session.TenantId, "/checkpoints?customerId=k-2")).Data.GetProperty("checkpoints").GetArrayLength());
        Assert.Equal(0, (await ReadAsync(Role.Sandbox, session.TenantId, "/checkpoints?customerId=nobody")).Data.GetProperty("checkpoints").GetArrayLength());
        Assert.Equal(0, (await ReadAsync(Role.Sandbox, other.TenantId, "/checkpoints")).Data.GetProperty("checkpoints").GetArrayLength());
    }

    [Fact]
    public async Task Records_NewestFirstByType_AndAHistoryWithProofs_AnotherTenantsRecordIs404()
    {
        var (session, key) = await TenantWithKeyAsync();
        var (other, _) = await TenantWithKeyAsync();
        foreach (var (type, entity) in new[] { ("build", "b-1"), ("deploy", "d/1"), ("build", "b-2") })
        {
            var made = await Stack.TransitionAsync(key, entity, RecordKit.Body("recorded"), type);
            Assert.True(made.Status == HttpStatusCode.Created, made.ToString());
        }

        Assert.Equal(HttpStatusCode.Created, (await Stack.TransitionAsync(key, "b-1", RecordKit.Body("amended", "Build redeployed",
            extra: "\"amends\": {\"recordKey\": \"" + (await Stack.RecordReceiptAsync(key, "b-1", 0, "build")).Data.GetProperty("recordKey").GetString() + "\", \"seq\": 0}"), "build")).Status);
        await Stack.CommittedAsync(key, "b-1", 1, "build");

        var records = (await ReadAsync(Role.Sandbox, session.TenantId, "/records")).Data.GetProperty("records").EnumerateArray().ToList();
        Assert.Equal(["b-2", "d/1", "b-1"], records.Select(r => r.GetProperty("entityId").GetString()));
        var b1 = records[2];
        Assert.Equal(("build", 2L, "amended", "committed"), (b1.GetProperty("recordType").GetString(), b1.GetProperty("entries").GetInt64(),
            b1.GetProperty("lifecycle").GetString(), b1.GetProperty("status").GetString()));

        var first = await ReadAsync(Role.Sandbox, session.TenantId, "/records?recordType=build&limit=1");
        Assert.Equal(["b-2"], first.Data.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("entityId").GetString()));
        var second = await ReadAsync(Role.Sandbox, session.TenantId, "/records?recordType=build&limit=1&cursor=" + Uri.EscapeDataString(first.Data.GetProperty("next").GetString()!));
        Assert.Equal(["b-1"], second.Data.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("entityId").GetString()));
        Assert.Equal(JsonValueKind.Null, second.Data.GetProperty("next").ValueKind);

        var history = await ReadAsync(Role.Sandbox, session.TenantId, "/records/build/b-1");
        Assert.True(history.Status == HttpStatusCode.OK, history.ToString());
        var entries = history.Data.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal([0L, 1L], entries.Select(e => e.GetProperty("seq").GetInt64()));
        Assert.Equal(["recorded", "amended"], entries.Select(e => e.GetProperty("lifecycle").GetString()));
        Assert.Equal("Build redeployed", entries[1].GetProperty("content").GetProperty("title").GetString());
        Assert.All(entries, e =>
        {
            Assert.Equal("committed", e.GetProperty("status").GetString());
            Assert.EndsWith(e.GetProperty("receiptId").GetString()!, e.GetProperty("verifyUrl").GetString()!, StringComparison.Ordinal);
        });
        var paged = await ReadAsync(Role.Sandbox, session.TenantId, "/records/build/b-1?limit=1");
        Assert.Equal(1, paged.Data.GetProperty("nextFromSeq").GetInt64());
        Assert.Equal(1, (await ReadAsync(Role.Sandbox, session.TenantId, "/records/deploy/d%2F1")).Data.GetProperty("entries").GetArrayLength());

        Assert.Equal(HttpStatusCode.NotFound, (await ReadAsync(Role.Sandbox, other.TenantId, "/records/build/b-1")).Status);
        Assert.Equal(0, (await ReadAsync(Role.Sandbox, other.TenantId, "/records")).Data.GetProperty("records").GetArrayLength());
    }

    [Fact]
    public async Task Usage_TodaysVerifiedDeltasDayByDay_RecordEntriesNotCounted_OfTheTenantOnly()
    {
        var (session, key) = await TenantWithKeyAsync();
        var (other, _) = await TenantWithKeyAsync();
        await EmitVerifiedAsync(key, ("u-1", 1), ("u-2", 2), ("u-1", 3));
        Assert.Equal(HttpStatusCode.Created, (await Stack.TransitionAsync(key, "u-record", RecordKit.Body("recorded"))).Status);
        await Stack.CommittedAsync(key, "u-record", 0);
        await EmitVerifiedAsync(key, ("u-3", 4));

        var usage = await ReadAsync(Role.Sandbox, session.TenantId, "/usage");
        Assert.True(usage.Status == HttpStatusCode.OK, usage.ToString());
        var today = DateTimeOffset.UtcNow;
        var days = usage.Data.GetProperty("days").EnumerateArray().ToList();
        Assert.Equal(today.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture), usage.Data.GetProperty("month").GetString());
        // Days up to today (a run across midnight may see one day more).
        Assert.InRange(days.Count, today.Day, today.Day + 1);
        Assert.Equal(4, days.Sum(d => d.GetProperty("deltas").GetInt64()));
        Assert.Equal((4L, 4L, 0L), (usage.Data.GetProperty("verified").GetInt64(), usage.Data.GetProperty("lifetimeDeltas").GetInt64(), usage.Data.GetProperty("pending").GetInt64()));

        var past = await ReadAsync(Role.Sandbox, session.TenantId, "/usage?month=2001-02");
        Assert.Equal(28, past.Data.GetProperty("days").GetArrayLength());
        Assert.Equal(0, past.Data.GetProperty("verified").GetInt64());
        var foreign = await ReadAsync(Role.Sandbox, other.TenantId, "/usage");
        Assert.Equal((0L, 0L), (foreign.Data.GetProperty("verified").GetInt64(), foreign.Data.GetProperty("lifetimeDeltas").GetInt64()));
    }

    [Fact]
    public async Task Pages_AuditLog_ShowsWhoChangedKeysPlanAndEnvironments_FilteredByAction()
    {
        var session = await Api.ReadyTenantAsync();
        await Api.CreateKeyAsync(session, name: "audited key");
        await Api.ActivateProductionAsync(session);

        var all = await PageAsync(Stack, session, "/audit-log");
        Assert.True(all.Status == HttpStatusCode.OK, all.Body);
        foreach (var action in new[] { "api_key.created", "plan.changed", "environment.activation_started" })
        {
            Assert.Contains($"data-testid=\"audit-action\">{action}<", all.Body, StringComparison.Ordinal);
        }

        Assert.Contains(session.Email, all.Body, StringComparison.Ordinal);
        var environments = await PageAsync(Stack, session, "/audit-log?action=environment.*");
        Assert.Contains("environment.activation_started", environments.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"audit-action\">api_key.created<", environments.Body, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"audit-environment\">Production<", environments.Body, StringComparison.Ordinal);

        var ignored = await PageAsync(Stack, session, "/audit-log?action=drop.tables&from=never&cursor=bad");
        Assert.Contains("“drop.tables” is not an action the audit log records", ignored.Body, StringComparison.Ordinal);
        Assert.Contains("“never” is not a day", ignored.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, ignored.Status);

        // The Dashboard API's log has the activation too.
        var api = await Api.GetAsync("/dashboard/audit-log?limit=100", session);
        Assert.Contains(api.Data.GetProperty("items").EnumerateArray(), i => i.GetProperty("action").GetString() == "environment.activation_started"
            && i.GetProperty("details").GetProperty("environment").GetString() == "production");
    }

    [Theory]
    [InlineData("/customers?cursor=not-a-cursor", "cursor")]
    [InlineData("/customers?cursor=WzFd", "cursor")] // [1]: a cursor of another list
    [InlineData("/customers?by=email", "by")]
    [InlineData("/customers?limit=0", "limit")]
    [InlineData("/customers?limit=101", "limit")]
    [InlineData("/customers?limit=1&limit=2", "limit")]
    [InlineData("/customers/c1?cursor=WyJ4Il0", "cursor")] // ["x"]: not a log index
    [InlineData("/customers/c1?limit=x", "limit")]
    [InlineData("/deltas?status=failed", "status")]
    [InlineData("/deltas?from=yesterday", "from")]
    [InlineData("/deltas?from=-1", "from")]
    [InlineData("/deltas?from=2000&to=1000", "to")]
    [InlineData("/deltas?cursor=WyJ4Il0", "cursor")]
    [InlineData("/checkpoints?cursor=WzFd", "cursor")] // [1]: one part where a checkpoint's cursor has two
    [InlineData("/records?cursor=WyJ4Il0", "cursor")]
    [InlineData("/records?recordType=%07bell", "recordType")]
    [InlineData("/records/build/b?fromSeq=-1", "fromSeq")]
    [InlineData("/usage?month=2024-13", "month")]
    [InlineData("/usage?month=yesterday", "month")]
    public async Task ReadRoutes_BadQueryValues_Are400NamingTheField(string path, string field)
    {
        var session = await Api.ReadyTenantAsync();
        var answer = await ReadAsync(Role.Sandbox, session.TenantId, path);
        Assert.True(answer.Status == HttpStatusCode.BadRequest, answer.ToString());
        Assert.Equal("VALIDATION_ERROR", answer.Code);
        Assert.Contains(field, answer.DetailFields);
    }

    [Fact]
    public async Task Customer_IdLongerThanAnyCustomerId_Is400()
    {
        var session = await Api.ReadyTenantAsync();
        var answer = await ReadAsync(Role.Sandbox, session.TenantId, "/customers/" + new string('x', 257));
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Contains("customerId", answer.DetailFields);
    }

    [Fact]
    public async Task Pages_PlaneDown_AnswerInThePageWith503_AndComeBackWithIt()
    {
        var stack = await StartStackAsync();
        var session = await stack.Dashboard.ReadyTenantAsync();
        var key = (await stack.Dashboard.CreateKeyAsync(session)).FullKey;
        var emitted = await stack.EmitAsync(Role.Sandbox, key, """{"customerId":"down-1","delta":4,"reason":"usage"}""");
        var recordId = emitted.Data.GetProperty("recordId").GetString()!;
        await stack.VerifiedAsync(Role.Sandbox, key, recordId);
        string[] pages = ["/customers", "/customers/down-1", "/deltas", "/deltas/" + recordId];
        foreach (var path in pages)
        {
            var up = await PageAsync(stack, session, path);
            Assert.True(up.Status == HttpStatusCode.OK, up.Body);
            Assert.Contains("down-1", up.Body, StringComparison.Ordinal);
        }

        await stack.StopAsync(Role.Sandbox);
        foreach (var path in (string[])[.. pages, "/checkpoints", "/records", "/records/build/b-1", "/usage"])
        {
            var down = await PageAsync(stack, session, path);
            Assert.True(down.Status == HttpStatusCode.ServiceUnavailable, down.Body);
            Assert.Contains("The Sandbox environment did not answer", down.Body, StringComparison.Ordinal);
            Assert.Contains("data-testid=\"sandbox-banner\"", down.Body, StringComparison.Ordinal);
        }

        await stack.StartAsync(Role.Sandbox);
        Assert.Equal(HttpStatusCode.OK, (await PageAsync(stack, session, "/customers")).Status);
    }

    [Fact]
    public async Task Pages_UnknownIdsBadFiltersAndBadCursors_AnswerInThePage_NotAsServerErrors()
    {
        var session = await Api.ReadyTenantAsync();
        var missing = await PageAsync(Stack, session, "/customers/nobody-here");
        Assert.True(missing.Status == HttpStatusCode.NotFound, missing.Body);
        Assert.Contains("There is no customer “nobody-here” in Sandbox.", missing.Body, StringComparison.Ordinal);

        var noDelta = await PageAsync(Stack, session, "/deltas/rec_nothing");
        Assert.True(noDelta.Status == HttpStatusCode.NotFound, noDelta.Body);
        Assert.Contains("There is no delta “rec_nothing” in Sandbox.", noDelta.Body, StringComparison.Ordinal);

        // Filters the page cannot read are named and left out; the list is still shown.
        var badFilters = await PageAsync(Stack, session, "/deltas?status=lost&from=2024-13-01&to=soon&customer=" + new string('c', 300));
        Assert.True(badFilters.Status == HttpStatusCode.OK, badFilters.Body);
        Assert.Contains("The status “lost” is not one of verified or queued", badFilters.Body, StringComparison.Ordinal);
        Assert.Contains("“2024-13-01” is not a day", badFilters.Body, StringComparison.Ordinal);
        Assert.Contains("“soon” is not a day", badFilters.Body, StringComparison.Ordinal);
        Assert.Contains("the customer filter was left out", badFilters.Body, StringComparison.Ordinal);

        var badCursor = await PageAsync(Stack, session, "/customers?cursor=%25%25%25");
        Assert.True(badCursor.Status == HttpStatusCode.BadRequest, badCursor.Body);
        Assert.Contains("That page link is not valid here", badCursor.Body, StringComparison.Ordinal);
        var longCursor = await PageAsync(Stack, session, "/customers?cursor=" + new string('A', 5000));
        Assert.Equal(HttpStatusCode.BadRequest, longCursor.Status);
    }

    private async Task<(Session Session, string Key)> TenantWithKeyAsync()
    {
        var session = await Api.ReadyTenantAsync();
        return (session, (await Api.CreateKeyAsync(session)).FullKey);
    }

    /// <summary>
    /// Emits the deltas one after another (each answered before the next is sent, so the log holds them in this order; a batch's
    /// items may be appended in another) and waits until the last is VERIFIED (a head covering it covers them all).
    /// </summary>
    private async Task EmitVerifiedAsync(string key, params (string Customer, long Delta)[] deltas)
    {
        string? last = null;
        foreach (var (customer, delta) in deltas)
        {
            var emitted = await Stack.EmitAsync(Role.Sandbox, key, JsonSerializer.Serialize(new { customerId = customer, delta, reason = "usage" }));
            Assert.True(emitted.Status == HttpStatusCode.Created, emitted.ToString());
            last = emitted.Data.GetProperty("recordId").GetString()!;
        }

        await Stack.VerifiedAsync(Role.Sandbox, key, last!);
    }

    private async Task CreateCustomerAsync(Session session, string customerId, string displayName, string? unitLabel = null)
    {
        var created = await Api.PostAsync("/dashboard/customers?environment=sandbox", new { customerId, displayName, unitLabel }, session);
        Assert.True(created.Status is HttpStatusCode.Created or HttpStatusCode.OK, created.ToString());
    }

    private async Task<List<long>> AmountsAsync(Session session, string path)
    {
        var answer = await ReadAsync(Role.Sandbox, session.TenantId, path);
        Assert.True(answer.Status == HttpStatusCode.OK, answer.ToString());
        return answer.Data.GetProperty("deltas").EnumerateArray().Select(d => d.GetProperty("delta").GetInt64()).ToList();
    }

    private async Task<List<string>> IdsAsync(Session session, string path)
    {
        var answer = await ReadAsync(Role.Sandbox, session.TenantId, path);
        Assert.True(answer.Status == HttpStatusCode.OK, answer.ToString());
        return answer.Data.GetProperty("customers").EnumerateArray().Select(c => c.GetProperty("customerId").GetString()!).ToList();
    }

    /// <summary>A read route of <paramref name="tenantId"/> on a plane, with the stack's service secret unless told otherwise.</summary>
    private Task<Answer> ReadAsync(Role plane, string tenantId, string path, string? secret = "") =>
        Stack.SendAsync(plane, HttpMethod.Get, $"/internal/v1/tenants/{tenantId}{path}", null, null,
            secret is null ? null : new Dictionary<string, string> { ["X-PacSpace-Service-Secret"] = secret.Length == 0 ? Stack.ServiceSecret : secret });

    /// <summary>A dashboard page as a browser without script gets it, signed in with the session's cookie.</summary>
    private static async Task<(HttpStatusCode Status, string Body)> PageAsync(TestStack stack, Session session, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", $"pacspace_session={session.Cookie}");
        request.Headers.Add("Accept", "text/html");
        using var response = await stack.Dashboard.Http.SendAsync(request);
        // Text as a reader sees it: Razor writes characters such as “ ” as references.
        return (response.StatusCode, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }

    /// <summary>A verifyUrl the plane gave opens its verification page (HTML, checked in the browser) on the plane.</summary>
    private async Task AssertVerificationPageAsync(string verifyUrl)
    {
        using var plane = Stack.PlaneClient(Role.Sandbox);
        using var page = await plane.GetAsync(verifyUrl);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
    }
}

public sealed class LedgerReadScenariosOnSqlite(SharedStacks shared) : LedgerReadScenarios(Store.Sqlite, null, shared);

[Collection(PostgresCollection.Name)]
public sealed class LedgerReadScenariosOnPostgres(PostgresServer postgres, SharedStacks shared) : LedgerReadScenarios(Store.Postgres, postgres, shared);
