using System.Net;
using System.Text.Json;
using Dapper;
using PacSpace.Cli;
using PacSpace.IntegrationTests.Dashboard;
using PacSpace.IntegrationTests.Infrastructure;
using PacSpace.IntegrationTests.Records;
using PacSpace.Ledger;

namespace PacSpace.IntegrationTests.Balance;

/// <summary>Ingest, idempotency and sequencing on a running plane, through real HTTP, on SQLite and PostgreSQL.</summary>
public abstract class DeltaScenarios(Store store, PostgresServer? postgres, SharedStacks shared) : SharedStackTests(store, postgres, shared)
{
    [Fact]
    public async Task Emit_ThreeDeltas_QueuedThenVerifiedWithChainAndSignedHead()
    {
        var session = await Api.ReadyTenantAsync();
        var key = (await Api.CreateKeyAsync(session)).FullKey;

        var first = await Stack.EmitAsync(Role.Sandbox, key, """{"customerId": "cust/1", "delta": -42.0, "reason": "API calls", "referenceId": "inv-1", "metadata": {"region": "eu"}}""");
        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(["nosniff"], first.Headers.GetValues("X-Content-Type-Options"));
        Assert.True(first.Body.GetProperty("success").GetBoolean());
        var data = first.Data;
        Assert.Equal("QUEUED", data.GetProperty("status").GetString());
        Assert.Equal(-42, data.GetProperty("delta").GetInt64());
        Assert.Equal("cust/1", data.GetProperty("customerId").GetString());
        Assert.StartsWith("rec_", data.GetProperty("recordId").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("rcp_", data.GetProperty("receiptId").GetString(), StringComparison.Ordinal);

        // The content hash is what a client computes on its own before sending.
        var expected = new DeltaContent(session.TenantId, "sandbox", "cust/1", -42, "API calls", "inv-1",
            JsonDocument.Parse("""{"region":"eu"}""").RootElement).ContentHash();
        Assert.Equal(Hex.Encode(expected), data.GetProperty("contentHash").GetString());

        var second = await Stack.EmitAsync(Role.Sandbox, key, """{"customerId": "cust/1", "delta": 100, "reason": "top-up"}""");
        var third = await Stack.EmitAsync(Role.Sandbox, key, """{"customerId": "cust/1", "delta": -8, "reason": "API calls"}""");
        var ids = new[] { first, second, third }.Select(a => a.Data.GetProperty("recordId").GetString()!).ToList();

        var statuses = new List<JsonElement>();
        foreach (var id in ids)
        {
            statuses.Add((await Stack.VerifiedAsync(Role.Sandbox, key, id)).Data);
        }

        Assert.Equal([1L, 2L, 3L], statuses.Select(s => s.GetProperty("sequenceNumber").GetInt64()));
        Assert.Equal([-42L, 58L, 50L], statuses.Select(s => s.GetProperty("proof").GetProperty("balanceAfter").GetInt64()));
        var indexes = statuses.Select(s => s.GetProperty("proof").GetProperty("logIndex").GetInt64()).ToList();
        Assert.Equal(JsonValueKind.Null, statuses[0].GetProperty("proof").GetProperty("prevCustomerIndex").ValueKind);
        Assert.Equal(indexes[0], statuses[1].GetProperty("proof").GetProperty("prevCustomerIndex").GetInt64());
        Assert.Equal(indexes[1], statuses[2].GetProperty("proof").GetProperty("prevCustomerIndex").GetInt64());

        // The signed head commits to exactly these entries, rebuilt here from the stored fields.
        await using var plane = await Stack.PlaneDb(Role.Sandbox).OpenAsync(default);
        var rows = (await plane.QueryAsync<(long recorded_at, long customer_seq, long? prev_index, long balance_after, byte[] content_hash)>(
            $"SELECT recorded_at, customer_seq, prev_index, balance_after, content_hash FROM {PlaneRows.Deltas} WHERE tenant_id = @t ORDER BY log_index",
            new { t = session.TenantId })).ToList();
        var leaves = rows.Select(r => new LeafEntry(r.recorded_at, r.customer_seq, r.prev_index, r.balance_after, r.content_hash).LeafHash()).ToList();
        var ledger = await plane.QuerySingleAsync<(long tree_size, string root_hash, string checkpoint, string public_key, string key_name)>(
            "SELECT tree_size, root_hash, checkpoint, public_key, key_name FROM tenant_ledgers WHERE tenant_id = @t", new { t = session.TenantId });
        Assert.Equal(3, ledger.tree_size);
        Assert.Equal(Hex.Encode(MerkleTree.Root(leaves)), ledger.root_hash);
        Assert.True(SignedNote.Verify(ledger.checkpoint, ledger.key_name, Convert.FromBase64String(ledger.public_key), out var body));
        Assert.True(Checkpoint.TryParse(body, out var head));
        Assert.Equal(3, head!.Size);
        Assert.Equal(MerkleTree.Root(leaves), head.RootHash);
    }

    [Fact]
    public async Task Emit_SameIdempotencyKey_ReplaysSameBodyAndRefusesOtherBody()
    {
        var session = await Api.ReadyTenantAsync();
        var key = (await Api.CreateKeyAsync(session)).FullKey;
        const string body = """{"customerId": "c", "delta": -5.0, "reason": "usage"}""";

        var first = await Stack.EmitAsync(Role.Sandbox, key, body, "retry-1");
        var again = await Stack.EmitAsync(Role.Sandbox, key, body, "retry-1");
        var other = await Stack.EmitAsync(Role.Sandbox, key, """{"customerId": "c", "delta": -6, "reason": "usage"}""", "retry-1");

        Assert.Equal(HttpStatusCode.Created, again.Status);
        Assert.Equal(first.Raw, again.Raw);
        Assert.Equal(HttpStatusCode.Conflict, other.Status);
        Assert.Equal("IDEMPOTENCY_KEY_REUSED", other.Code);
        Assert.Equal(1, await CountAsync(session.TenantId));
    }

    [Fact]
    public async Task Emit_SameReferenceId_ReplaysOrRefuses()
    {
        var session = await Api.ReadyTenantAsync();
        var key = (await Api.CreateKeyAsync(session)).FullKey;

        var first = await Stack.EmitAsync(Role.Sandbox, key, """{"customerId": "c", "delta": 3, "reason": "r", "referenceId": "inv-9"}""");
        var again = await Stack.EmitAsync(Role.Sandbox, key, """{"customerId":"c","delta":3,"reason":"r","referenceId":"inv-9"}""");
        var other = await Stack.EmitAsync(Role.Sandbox, key, """{"customerId": "c", "delta": 4, "reason": "r", "referenceId": "inv-9"}""");

        Assert.Equal(first.Data.GetProperty("recordId").GetString(), again.Data.GetProperty("recordId").GetString());
        Assert.Equal(HttpStatusCode.Conflict, other.Status);
        Assert.Equal(["referenceId"], other.DetailFields);
        Assert.Equal(1, await CountAsync(session.TenantId));
    }

    [Fact]
    public async Task Emit_SameReferenceIdsConcurrently_OneDeltaEachAndEveryAnswerAgrees()
    {
        // Copies of one delta in rounds that are in flight together: on PostgreSQL the next round looks for stored duplicates
        // before the round ahead has committed, so this is the case where a copy could slip past the look-up.
        var session = await Api.ReadyTenantAsync();
        var key = (await Api.CreateKeyAsync(session)).FullKey;
        const int Refs = 30, Copies = 3;
        var answers = await Task.WhenAll(Enumerable.Range(0, Refs * Copies).Select(i =>
            Stack.EmitAsync(Role.Sandbox, key, $$"""{"customerId": "c{{i % Refs % 4}}", "delta": {{i % Refs + 1}}, "reason": "r", "referenceId": "same-{{i % Refs}}"}""")));

        Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.Created or HttpStatusCode.OK, $"{a.Status}"));
        for (var r = 0; r < Refs; r++)
        {
            Assert.Single(Enumerable.Range(0, Copies).Select(c => answers[(c * Refs) + r].Data.GetProperty("recordId").GetString()).Distinct());
        }

        Assert.Equal(Refs, await DeltaCountAsync(Role.Sandbox, session.TenantId));
    }

    [Fact]
    public async Task SignedHeads_OneAfterAnother_RenewTheSigningLeaseOnlyOnceHalfOfItHasRunOut()
    {
        // A renewal is a commit on the log's row, which every group commit locks too: not one per signing round.
        var session = await Api.ReadyTenantAsync();
        var key = (await Api.CreateKeyAsync(session)).FullKey;
        await using var plane = await Stack.PlaneDb(Role.Sandbox).OpenAsync(default);
        var leases = new List<(long Size, long Until, DateTimeOffset At)>();
        for (var i = 0; i < 3; i++)
        {
            var emitted = await Stack.EmitAsync(Role.Sandbox, key, $$"""{"customerId": "c", "delta": {{i + 1}}, "reason": "r"}""");
            await Stack.VerifiedAsync(Role.Sandbox, key, emitted.Data.GetProperty("recordId").GetString()!);
            var (size, until) = await plane.QuerySingleAsync<(long, long)>("SELECT tree_size, lease_until FROM tenant_ledgers WHERE tenant_id = @t", new { t = session.TenantId });
            leases.Add((size, until, DateTimeOffset.UtcNow));
        }

        Assert.Equal([1L, 2L, 3L], leases.Select(l => l.Size));
        // Three heads, each in a round of its own; the lease (10 s) was taken at the first and still had over half to run.
        Assert.True(leases[^1].At - leases[0].At < TimeSpan.FromSeconds(4.5), "the three heads took too long to tell");
        Assert.Single(leases.Select(l => l.Until).Distinct());
    }

    [Theory]
    [InlineData("""{"customerId": "c", "delta": 1.5, "reason": "r"}""", "delta")]
    [InlineData("""{"customerId": "c", "delta": 0, "reason": "r"}""", "delta")]
    [InlineData("""{"customerId": "c", "delta": 1000000001, "reason": "r"}""", "delta")]
    [InlineData("""{"customerId": "c", "delta": "5", "reason": "r"}""", "delta")]
    [InlineData("""{"delta": 5, "reason": "r"}""", "customerId")]
    [InlineData("""{"customerId": 7, "delta": 5, "reason": "r"}""", "customerId")]
    [InlineData("""{"customerId": "c", "delta": 5}""", "reason")]
    [InlineData("""{"customerId": "c", "delta": 5, "reason": "r", "metadata": {"n": 1}}""", "metadata")]
    [InlineData("""{"customerId": "c", "delta": 5, "reason": "r", "metadata": ["a"]}""", "metadata")]
    [InlineData("""{"customerId": "c", "delta": 5, "reason": "r", "adjusts": {"invoice": "x"}}""", "adjusts")]
    [InlineData("""{"customerId": "c", "delta": 5, "reason": "r", "referenceId": ""}""", "referenceId")]
    [InlineData("""{"customerId": "c", "delta": 5,""", "body")]
    [InlineData("""[{"customerId": "c", "delta": 5, "reason": "r"}]""", "body")]
    public async Task Emit_BadBody_400NamingFieldAndNothingWritten(string body, string field)
    {
        var session = await Api.ReadyTenantAsync();
        var key = (await Api.CreateKeyAsync(session)).FullKey;

        var answer = await Stack.EmitAsync(Role.Sandbox, key, body);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("VALIDATION_ERROR", answer.Code);
        Assert.Contains(field, answer.DetailFields);
        Assert.Equal(0, await CountAsync(session.TenantId));
    }

    [Fact]
    public async Task Emit_OversizedTextAndMetadataOrNotJson_RefusedAndNothingWritten()
    {
        var session = await Api.ReadyTenantAsync();
        var key = (await Api.CreateKeyAsync(session)).FullKey;

        var longReason = await Stack.EmitAsync(Role.Sandbox, key, $$"""{"customerId": "c", "delta": 5, "reason": "{{new string('r', 501)}}"}""");
        var bigMetadata = await Stack.EmitAsync(Role.Sandbox, key, $$$"""{"customerId": "c", "delta": 5, "reason": "r", "metadata": {"k": "{{{new string('x', 4100)}}}"}}""");
        var text = await Stack.SendAsync(Role.Sandbox, HttpMethod.Post, "/api/v1/balance/delta", key, "customerId=c", contentType: "text/plain");
        var badKey = await Stack.EmitAsync(Role.Sandbox, key, """{"customerId": "c", "delta": 5, "reason": "r"}""", new string('k', 300));

        Assert.Equal(["reason"], longReason.DetailFields);
        Assert.Equal(["metadata"], bigMetadata.DetailFields);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.Status);
        Assert.Equal(["Idempotency-Key"], badKey.DetailFields);
        Assert.Equal(0, await CountAsync(session.TenantId));
    }

    [Fact]
    public async Task Batch_MixedItems_IntegerTotalsPerItemResultsAndRetryReplays()
    {
        var session = await Api.ReadyTenantAsync();
        var key = (await Api.CreateKeyAsync(session)).FullKey;
        const string body = """{"deltas": [{"customerId": "a", "delta": 5.0, "reason": "x", "referenceId": "sum_1"}, {"customerId": "a", "delta": 0, "reason": "y"}, {"customerId": "b", "delta": -2, "reason": "z"}]}""";
        var headers = new Dictionary<string, string> { ["Idempotency-Key"] = "batch-1" };

        var first = await Stack.SendAsync(Role.Sandbox, HttpMethod.Post, "/api/v1/balance/delta/batch", key, body, headers);
        var retry = await Stack.SendAsync(Role.Sandbox, HttpMethod.Post, "/api/v1/balance/delta/batch", key, body, headers);

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(2, first.Data.GetProperty("totalQueued").GetInt32());
        Assert.Equal(1, first.Data.GetProperty("totalFailed").GetInt32());
        var results = first.Data.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2], results.Select(r => r.GetProperty("index").GetInt32()));
        Assert.Equal(["QUEUED", "FAILED", "QUEUED"], results.Select(r => r.GetProperty("status").GetString()));
        Assert.Equal("deltas[1].delta", results[1].GetProperty("error").GetProperty("details")[0].GetProperty("field").GetString());
        Assert.All(results, r => Assert.False(r.GetProperty("idempotent").GetBoolean()));

        var replayed = retry.Data.GetProperty("results").EnumerateArray().ToList();
        Assert.True(replayed[0].GetProperty("idempotent").GetBoolean());
        Assert.Equal(results[0].GetProperty("recordId").GetString(), replayed[0].GetProperty("recordId").GetString());
        Assert.Equal(2, await CountAsync(session.TenantId));

        var tooMany = await Stack.SendAsync(Role.Sandbox, HttpMethod.Post, "/api/v1/balance/delta/batch", key,
            JsonSerializer.Serialize(new { deltas = Enumerable.Range(0, 101).Select(i => new { customerId = "c", delta = 1, reason = "r" }) }));
        Assert.Equal(["deltas"], tooMany.DetailFields);
        Assert.Equal(2, await CountAsync(session.TenantId));
    }

    [Fact]
    public async Task Emit_FreePlanAfter100_402ButReplaysStillAnswer()
    {
        var session = await Api.ReadyTenantAsync();
        var key = (await Api.CreateKeyAsync(session)).FullKey;
        for (var b = 0; b < 2; b++)
        {
            var batch = JsonSerializer.Serialize(new { deltas = Enumerable.Range(0, 50).Select(i => new { customerId = "c", delta = 1, reason = "r", referenceId = $"ref-{b}-{i}" }) });
            Assert.Equal(50, (await Stack.SendAsync(Role.Sandbox, HttpMethod.Post, "/api/v1/balance/delta/batch", key, batch)).Data.GetProperty("totalQueued").GetInt32());
        }

        var over = await Stack.EmitAsync(Role.Sandbox, key, """{"customerId": "c", "delta": 1, "reason": "r"}""");
        var replay = await Stack.EmitAsync(Role.Sandbox, key, """{"customerId": "c", "delta": 1, "reason": "r", "referenceId": "ref-0-0"}""");

        Assert.Equal(HttpStatusCode.PaymentRequired, over.Status);
        Assert.Equal("PLAN_LIMIT_REACHED", over.Code);
        Assert.Equal(HttpStatusCode.Created, replay.Status);
        Assert.Equal(100, await CountAsync(session.TenantId));
    }

    [Fact]
    public async Task Status_OtherTenantsOrUnknownRecord_404()
    {
        var a = await Api.ReadyTenantAsync();
        var b = await Api.ReadyTenantAsync();
        var keyA = (await Api.CreateKeyAsync(a)).FullKey;
        var keyB = (await Api.CreateKeyAsync(b)).FullKey;
        var recordId = (await Stack.EmitAsync(Role.Sandbox, keyA, """{"customerId": "c", "delta": 1, "reason": "r"}""")).Data.GetProperty("recordId").GetString()!;

        Assert.Equal(HttpStatusCode.OK, (await Stack.DeltaStatusAsync(Role.Sandbox, keyA, recordId)).Status);
        var other = await Stack.DeltaStatusAsync(Role.Sandbox, keyB, recordId);
        Assert.Equal(HttpStatusCode.NotFound, other.Status);
        Assert.Equal("NOT_FOUND", other.Code);
        Assert.Equal(HttpStatusCode.NotFound, (await Stack.DeltaStatusAsync(Role.Sandbox, keyA, "rec_nope")).Status);
    }

    [Fact]
    public async Task Emit_LiveKeyOnProduction_EachPlaneHoldsOnlyItsOwnRows()
    {
        var session = await Api.ReadyTenantAsync();
        await Api.ActivateProductionAsync(session);
        var test = (await Api.CreateKeyAsync(session)).FullKey;
        var live = (await Api.CreateKeyAsync(session, "live")).FullKey;

        var sandboxId = (await Stack.EmitAsync(Role.Sandbox, test, """{"customerId": "c", "delta": 1, "reason": "test"}""")).Data.GetProperty("recordId").GetString()!;
        var productionId = (await Stack.EmitAsync(Role.Production, live, """{"customerId": "c", "delta": 2, "reason": "live"}""")).Data.GetProperty("recordId").GetString()!;
        var wrongPlane = await Stack.EmitAsync(Role.Production, test, """{"customerId": "c", "delta": 3, "reason": "test"}""");

        Assert.Equal("API_KEY_ENVIRONMENT_HOST_MISMATCH", wrongPlane.Code);
        await Stack.VerifiedAsync(Role.Sandbox, test, sandboxId);
        await Stack.VerifiedAsync(Role.Production, live, productionId);
        // Each plane's database holds its own delta only.
        Assert.Equal(1, await DeltaCountAsync(Role.Sandbox, session.TenantId));
        Assert.Equal(1, await DeltaCountAsync(Role.Production, session.TenantId));
    }

    [Fact]
    public async Task Emit_90Concurrent_AllDurableAndLogHasNoGaps()
    {
        var session = await Api.ReadyTenantAsync();
        var key = (await Api.CreateKeyAsync(session)).FullKey;
        // 90: inside the free plan's burst (100 requests) and lifetime cap (100 deltas).
        var answers = await Task.WhenAll(Enumerable.Range(0, 90).Select(i =>
            Stack.EmitAsync(Role.Sandbox, key, $$"""{"customerId": "c{{i % 7}}", "delta": {{i + 1}}, "reason": "r"}""")));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.Status));
        await KeyTestKit.EventuallyAsync(() => CountAsync(session.TenantId, "VERIFIED"), n => n == 90, TimeSpan.FromSeconds(20), "90 verified");
        await using var plane = await Stack.PlaneDb(Role.Sandbox).OpenAsync(default);
        var indexes = (await plane.QueryAsync<long>($"SELECT log_index FROM {PlaneRows.Deltas} WHERE tenant_id = @t ORDER BY log_index", new { t = session.TenantId })).ToList();
        Assert.Equal(Enumerable.Range(0, 90).Select(i => (long)i), indexes);
        var balances = (await plane.QueryAsync<(string customer_id, long balance)>($"SELECT customer_id, balance FROM {PlaneRows.Customers} WHERE tenant_id = @t", new { t = session.TenantId }))
            .ToDictionary(r => r.customer_id, r => r.balance);
        for (var c = 0; c < 7; c++)
        {
            Assert.Equal(Enumerable.Range(0, 90).Where(i => i % 7 == c).Sum(i => (long)i + 1), balances[$"c{c}"]);
        }
    }

    [Fact]
    public async Task Emit_LogMovedByARecordEntryOrHoldingARetry_ChainStaysWhole()
    {
        // On PostgreSQL a round for a log the writer remembers is sequenced before any statement and written in one round trip,
        // only if the log is where the writer left it and holds none of the round's keys and referenceIds. Here each way it is
        // not: a record entry appended in between, a retry of a stored delta, a reused referenceId; deltas follow each.
        var session = await Api.ReadyTenantAsync();
        var key = (await Api.CreateKeyAsync(session)).FullKey;
        string Body(long amount, string reference) => $$"""{"customerId": "moved", "delta": {{amount}}, "reason": "r", "referenceId": "{{reference}}"}""";

        Assert.Equal(HttpStatusCode.Created, (await Stack.EmitAsync(Role.Sandbox, key, Body(5, "m-1"))).Status);
        var second = await Stack.EmitAsync(Role.Sandbox, key, Body(-2, "m-2"));
        Assert.Equal(HttpStatusCode.Created, (await Stack.TransitionAsync(key, "moved-1", RecordKit.Body("recorded"))).Status);
        Assert.Equal(HttpStatusCode.Created, (await Stack.EmitAsync(Role.Sandbox, key, Body(7, "m-3"))).Status);
        var retried = await Stack.EmitAsync(Role.Sandbox, key, Body(-2, "m-2"));
        var reused = await Stack.EmitAsync(Role.Sandbox, key, Body(-9, "m-2"));
        var keyed = await Stack.EmitAsync(Role.Sandbox, key, Body(1, "m-4"), "m-key");
        var keyedAgain = await Stack.EmitAsync(Role.Sandbox, key, Body(1, "m-4"), "m-key");
        var together = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Stack.EmitAsync(Role.Sandbox, key, Body(i + 1, $"m-t{i}"))));

        Assert.Equal(second.Data.GetProperty("recordId").GetString(), retried.Data.GetProperty("recordId").GetString());
        Assert.Equal((HttpStatusCode.Conflict, "referenceId"), (reused.Status, reused.DetailFields.Single()));
        Assert.Equal(keyed.Raw, keyedAgain.Raw);
        Assert.All(together, a => Assert.Equal(HttpStatusCode.Created, a.Status));

        // The record entry holds index 2; the deltas hold the rest, one chain with running balances.
        await using var plane = await Stack.PlaneDb(Role.Sandbox).OpenAsync(default);
        var rows = (await plane.QueryAsync<(long log_index, long amount, long customer_seq, long? prev_index, long balance_after)>(
            $"SELECT log_index, amount, customer_seq, prev_index, balance_after FROM {PlaneRows.Deltas} WHERE tenant_id = @t ORDER BY log_index",
            new { t = session.TenantId })).ToList();
        Assert.Equal(new long[] { 0, 1 }.Concat(Enumerable.Range(3, 14).Select(i => (long)i)), rows.Select(r => r.log_index));
        long balance = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            balance += rows[i].amount;
            Assert.Equal((i + 1L, i == 0 ? null : rows[i - 1].log_index, balance), (rows[i].customer_seq, rows[i].prev_index, rows[i].balance_after));
        }

        Assert.Equal(5 - 2 + 7 + 1 + Enumerable.Range(1, 12).Sum(), balance);
    }

    [Fact]
    public async Task Emit_ThreeTenantsInterleaved_AllRecordedInEachLog()
    {
        // Rounds mixing the tenants in every order: on PostgreSQL two rounds are in flight at once, and each locks the logs
        // it appends to; taken in arrival order, two rounds could each hold the log the other waits for.
        var keys = new List<(string TenantId, string Key)>();
        for (var t = 0; t < 3; t++)
        {
            var session = await Api.ReadyTenantAsync();
            keys.Add((session.TenantId, (await Api.CreateKeyAsync(session)).FullKey));
        }

        const int PerTenant = 60;
        var answers = await Task.WhenAll(Enumerable.Range(0, 3 * PerTenant).Select(i =>
            Stack.EmitAsync(Role.Sandbox, keys[(i * 7 + i / 3) % 3].Key, $$"""{"customerId": "c{{i % 4}}", "delta": 1, "reason": "r"}""")));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.Status));
        foreach (var (tenantId, _) in keys)
        {
            Assert.Equal(PerTenant, await DeltaCountAsync(Role.Sandbox, tenantId));
        }
    }

    [Fact]
    public async Task VerifyReceipt_PublicRouteThenCliOffline_PassesAndFailsOnOneChangedByte()
    {
        var session = await Api.ReadyTenantAsync();
        var key = (await Api.CreateKeyAsync(session)).FullKey;
        for (var i = 0; i < 5; i++)
        {
            await Stack.EmitAsync(Role.Sandbox, key, $$"""{"customerId": "other", "delta": {{i + 1}}, "reason": "filler"}""");
        }

        var emitted = await Stack.EmitAsync(Role.Sandbox, key, """{"customerId": "cust_1", "delta": -42, "reason": "API calls", "metadata": {"invoice": "2026-11"}}""");
        var status = await Stack.VerifiedAsync(Role.Sandbox, key, emitted.Data.GetProperty("recordId").GetString()!);
        var receiptId = emitted.Data.GetProperty("receiptId").GetString()!;

        var receipt = await Stack.SendAsync(Role.Sandbox, HttpMethod.Get, "/api/v1/verify/receipt/" + receiptId, key: null);
        Assert.Equal(HttpStatusCode.OK, receipt.Status);
        Assert.True(receipt.Data.GetProperty("verified").GetBoolean());
        Assert.DoesNotContain("API calls", receipt.Raw, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await Stack.SendAsync(Role.Sandbox, HttpMethod.Get, "/api/v1/verify/receipt/rcp_01k00000000000000000000000", key: null)).Status);

        var folder = Directory.CreateTempSubdirectory("pacspace-verify-");
        var deltaFile = Path.Combine(folder.FullName, "delta.json");
        var receiptFile = Path.Combine(folder.FullName, "receipt.json");
        // The saved status answer works as the delta file (its content is used).
        await File.WriteAllTextAsync(deltaFile, status.Raw);
        await File.WriteAllTextAsync(receiptFile, receipt.Raw);
        var publicKey = receipt.Data.GetProperty("publicKey").GetString()!;

        var ok = await CliRunner.RunAsync("verify", "--delta", deltaFile, "--receipt", receiptFile, "--public-key", publicKey);
        Assert.True(ok.Code == 0, ok.Output);
        Assert.True(ok.Output.Contains("1. content hash: ok", StringComparison.Ordinal), ok.Output);
        Assert.True(ok.Output.Contains("5. inclusion proof: ok", StringComparison.Ordinal), ok.Output);

        await File.WriteAllTextAsync(deltaFile, status.Data.GetProperty("content").GetRawText().Replace("-42", "-43", StringComparison.Ordinal));
        var tampered = await CliRunner.RunAsync("verify", "--delta", deltaFile, "--receipt", receiptFile, "--public-key", publicKey);
        Assert.Equal(1, tampered.Code);
        Assert.Contains("entry: FAILED", tampered.Output, StringComparison.Ordinal);

        // The other plane's key (or any other) does not vouch for this log.
        using var other = LogSigningKey.Generate();
        await File.WriteAllTextAsync(deltaFile, status.Data.GetProperty("content").GetRawText());
        var wrongKey = await CliRunner.RunAsync("verify", "--delta", deltaFile, "--receipt", receiptFile, "--public-key", Convert.ToBase64String(other.PublicKey));
        Assert.Equal(1, wrongKey.Code);
        folder.Delete(recursive: true);
    }

    [Fact]
    public async Task Errors_CarryTheTraceIdOfTheRequestsTraceparent_OrANewOne()
    {
        var session = await Api.ReadyTenantAsync();
        var key = (await Api.CreateKeyAsync(session)).FullKey;
        using var http = new HttpClient { BaseAddress = Stack.Url(Role.Sandbox) };
        const string traceId = "0af7651916cd43dd8448eb211c80319c";
        var seen = new HashSet<string>();
        foreach (var traceparent in new[] { $"00-{traceId}-b7ad6b7169203331-01", null, "00-00000000000000000000000000000000-b7ad6b7169203331-01", "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01", "junk" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/balance/delta")
            {
                Content = new StringContent("""{"customerId":"c","delta":0,"reason":"zero"}""", System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("X-Api-Key", key);
            if (traceparent is not null)
            {
                request.Headers.TryAddWithoutValidation("traceparent", traceparent);
            }

            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var id = Assert.Single(response.Headers.GetValues("X-Request-Id"));
            if (traceparent?.Contains(traceId, StringComparison.Ordinal) == true)
            {
                Assert.Equal(traceId, id);
            }
            else
            {
                // No usable traceparent (none, an all-zero or upper-case trace id, junk): a new id of the same shape, each time.
                Assert.Matches("^[0-9a-f]{32}$", id);
                Assert.NotEqual(new string('0', 32), id);
                Assert.True(seen.Add(id), id);
            }
        }
    }

    private async Task<long> CountAsync(string tenantId, string? status = null)
    {
        await using var plane = await Stack.PlaneDb(Role.Sandbox).OpenAsync(default);
        return await plane.ExecuteScalarAsync<long>(
            $"SELECT COUNT(*) FROM {PlaneRows.Deltas} WHERE tenant_id = @tenantId AND (@status IS NULL OR status = @status)", new { tenantId, status });
    }

    private async Task<long> DeltaCountAsync(Role role, string tenantId)
    {
        await using var plane = await Stack.PlaneDb(role).OpenAsync(default);
        return await plane.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {PlaneRows.Deltas} WHERE tenant_id = @tenantId", new { tenantId });
    }
}

public sealed class DeltaScenariosOnSqlite(SharedStacks shared) : DeltaScenarios(Store.Sqlite, null, shared);

[Collection(PostgresCollection.Name)]
public sealed class DeltaScenariosOnPostgres(PostgresServer postgres, SharedStacks shared) : DeltaScenarios(Store.Postgres, postgres, shared);
