using System.Net;
using System.Text.Json;
using Dapper;
using PacSpace.Cli;
using PacSpace.IntegrationTests.Dashboard;
using PacSpace.IntegrationTests.Infrastructure;
using PacSpace.Ledger;

namespace PacSpace.IntegrationTests.Balance;

/// <summary>
/// <c>adjusts</c> on a running plane, on SQLite and PostgreSQL: it must name a delta already recorded in the caller's log
/// for the same customer (else 404 naming the field, one answer for unknown, other tenant's and other customer's ids, and
/// nothing written), and a delta that names one is content version 2: its hash covers the adjusts as sent, and its
/// receipt verifies offline only with that adjusts.
/// </summary>
public abstract class AdjustsScenarios(Store store, PostgresServer? postgres, SharedStacks shared) : SharedStackTests(store, postgres, shared)
{
    [Fact]
    public async Task Emit_AdjustsNamingNoDeltaOfThisCustomer_404NamingFieldSameAnswerAndNothingWritten()
    {
        var (a, b) = await TwoTenantsAsync();
        var rowsBefore = (await CountAsync(a.TenantId), await CountAsync(b.TenantId));

        var byReference = new Dictionary<string, Answer>
        {
            ["unknown"] = await EmitCorrectionAsync(a.Key, "cust/1", """{"referenceId": "inv-404"}"""),
            ["other tenant"] = await EmitCorrectionAsync(a.Key, "cust/1", """{"referenceId": "b-inv-1"}"""),
            ["other customer"] = await EmitCorrectionAsync(a.Key, "cust/1", """{"referenceId": "inv-2"}"""),
        };
        var byRecord = new Dictionary<string, Answer>
        {
            ["unknown"] = await EmitCorrectionAsync(a.Key, "cust/1", """{"recordId": "rec_00000000000000000000000000"}"""),
            ["not an id"] = await EmitCorrectionAsync(a.Key, "cust/1", """{"recordId": "inv-1"}"""),
            ["other tenant"] = await EmitCorrectionAsync(a.Key, "cust/1", $$"""{"recordId": "{{b.Cust1RecordId}}"}"""),
            ["other customer"] = await EmitCorrectionAsync(a.Key, "cust/1", $$"""{"recordId": "{{a.Cust2RecordId}}"}"""),
            // A receipt id names the same delta, but it is not a record id.
            ["receipt id"] = await EmitCorrectionAsync(a.Key, "cust/1", $$"""{"recordId": "{{a.Cust1ReceiptId}}"}"""),
        };

        foreach (var (answers, field) in new[] { (byReference, "adjusts.referenceId"), (byRecord, "adjusts.recordId") })
        {
            foreach (var (what, answer) in answers)
            {
                Assert.True(answer.Status == HttpStatusCode.NotFound, $"{what}: {answer}");
                Assert.Equal("NOT_FOUND", answer.Code);
                Assert.Equal([field], answer.DetailFields);
                Assert.Contains(field, answer.Body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
            }

            // No oracle: the bodies are the same, byte for byte, whatever the id names.
            Assert.Single(answers.Values.Select(x => x.Raw).Distinct(StringComparer.Ordinal));
        }

        Assert.Equal(rowsBefore, (await CountAsync(a.TenantId), await CountAsync(b.TenantId)));
    }

    [Fact]
    public async Task Batch_AdjustsNamingNoDeltaOfThisCustomerOrOfThisBatch_ItemFailsNamingItsFieldOthersWritten()
    {
        var (a, b) = await TwoTenantsAsync();
        var before = await CountAsync(a.TenantId);
        var body = $$$"""
            {"deltas": [
              {"customerId": "cust/1", "delta": 1, "reason": "plain", "referenceId": "batch-0"},
              {"customerId": "cust/1", "delta": 2, "reason": "fix", "adjusts": {"referenceId": "inv-404"}},
              {"customerId": "cust/1", "delta": 3, "reason": "fix", "adjusts": {"referenceId": "b-inv-1"}},
              {"customerId": "cust/1", "delta": 4, "reason": "fix", "adjusts": {"referenceId": "inv-2"}},
              {"customerId": "cust/1", "delta": 5, "reason": "fix", "adjusts": {"recordId": "{{{b.Cust1RecordId}}}"}},
              {"customerId": "cust/1", "delta": 6, "reason": "fix", "adjusts": {"recordId": "{{{a.Cust2RecordId}}}"}},
              {"customerId": "cust/1", "delta": 7, "reason": "fix", "adjusts": {"recordId": "rec_00000000000000000000000000"}},
              {"customerId": "cust/1", "delta": 8, "reason": "fix", "adjusts": {"referenceId": "batch-0"}},
              {"customerId": "cust/1", "delta": -9, "reason": "fix", "referenceId": "batch-8", "adjusts": {"referenceId": "inv-1"}},
              {"customerId": "cust/2", "delta": -10, "reason": "fix", "adjusts": {"recordId": "{{{a.Cust2RecordId}}}"}}
            ]}
            """;

        var answer = await Stack.SendAsync(Role.Sandbox, HttpMethod.Post, "/api/v1/balance/delta/batch", a.Key, body,
            new Dictionary<string, string> { ["Idempotency-Key"] = "batch-adjusts" });

        Assert.True(answer.Status == HttpStatusCode.Created, answer.ToString());
        var results = answer.Data.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["QUEUED", "FAILED", "FAILED", "FAILED", "FAILED", "FAILED", "FAILED", "FAILED", "QUEUED", "QUEUED"],
            results.Select(r => r.GetProperty("status").GetString()));
        Assert.Equal((3, 7), (answer.Data.GetProperty("totalQueued").GetInt32(), answer.Data.GetProperty("totalFailed").GetInt32()));
        string[] fields = ["deltas[1].adjusts.referenceId", "deltas[2].adjusts.referenceId", "deltas[3].adjusts.referenceId", "deltas[4].adjusts.recordId",
            "deltas[5].adjusts.recordId", "deltas[6].adjusts.recordId", "deltas[7].adjusts.referenceId"];
        for (var i = 1; i <= 7; i++)
        {
            var error = results[i].GetProperty("error");
            Assert.Equal(fields[i - 1], Assert.Single(error.GetProperty("details").EnumerateArray()).GetProperty("field").GetString());
            Assert.Equal(i == 7 ? "VALIDATION_ERROR" : "NOT_FOUND", error.GetProperty("code").GetString());
        }

        // Unknown, another tenant's and another customer's ids read alike but for the field's index.
        Assert.Single(new[] { 1, 2, 3 }.Select(i => results[i].GetProperty("error").GetRawText().Replace($"deltas[{i}]", "deltas[i]", StringComparison.Ordinal)).Distinct());
        Assert.Single(new[] { 4, 5, 6 }.Select(i => results[i].GetProperty("error").GetRawText().Replace($"deltas[{i}]", "deltas[i]", StringComparison.Ordinal)).Distinct());
        Assert.Equal(before + 3, await CountAsync(a.TenantId));

        // The retried batch replays what was written and refuses the rest the same way.
        var retry = await Stack.SendAsync(Role.Sandbox, HttpMethod.Post, "/api/v1/balance/delta/batch", a.Key, body,
            new Dictionary<string, string> { ["Idempotency-Key"] = "batch-adjusts" });
        var replayed = retry.Data.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(results.Select(r => r.GetProperty("status").GetString()), replayed.Select(r => r.GetProperty("status").GetString()));
        Assert.Equal([true, true, true], new[] { 0, 8, 9 }.Select(i => replayed[i].GetProperty("idempotent").GetBoolean()));
        Assert.Equal(results[7].GetProperty("error").GetRawText(), replayed[7].GetProperty("error").GetRawText());
        Assert.Equal(before + 3, await CountAsync(a.TenantId));
    }

    [Fact]
    public async Task Emit_ValidAdjustsByRecordAndReference_201Version2VerifiedAndReceiptVerifiesOfflineOnlyWithThatAdjusts()
    {
        var (a, _) = await TwoTenantsAsync();

        // Right after the 201 of the delta it corrects, before any signed head need cover that one: committed is enough.
        var original = await Stack.EmitAsync(Role.Sandbox, a.Key, """{"customerId": "cust/1", "delta": -40, "reason": "API calls", "referenceId": "inv-3"}""");
        var originalId = original.Data.GetProperty("recordId").GetString()!;
        var byRecord = await EmitCorrectionAsync(a.Key, "cust/1", $$"""{"recordId": "{{originalId}}"}""", idempotencyKey: "fix-1", amount: 40);
        var byReference = await EmitCorrectionAsync(a.Key, "cust/1", """{"referenceId": "inv-3"}""", referenceId: "fix-2", amount: 4);
        Assert.True(byRecord.Status == HttpStatusCode.Created, byRecord.ToString());
        Assert.True(byReference.Status == HttpStatusCode.Created, byReference.ToString());

        // The content hash is version 2 over the adjusts as sent, which a client can compute before sending.
        var expectedByRecord = new DeltaContent(a.TenantId, "sandbox", "cust/1", 40, "correction", null, null) { Adjusts = DeltaAdjusts.ByRecord(originalId) };
        var expectedByReference = new DeltaContent(a.TenantId, "sandbox", "cust/1", 4, "correction", "fix-2", null) { Adjusts = DeltaAdjusts.ByReference("inv-3") };
        Assert.Equal(Hex.Encode(expectedByRecord.ContentHash()), byRecord.Data.GetProperty("contentHash").GetString());
        Assert.Equal(Hex.Encode(expectedByReference.ContentHash()), byReference.Data.GetProperty("contentHash").GetString());
        Assert.NotEqual(Hex.Encode((expectedByRecord with { Adjusts = null }).ContentHash()), byRecord.Data.GetProperty("contentHash").GetString());

        var status = await Stack.VerifiedAsync(Role.Sandbox, a.Key, byRecord.Data.GetProperty("recordId").GetString()!);
        Assert.Equal(2, status.Data.GetProperty("contentVersion").GetInt32());
        Assert.Equal(2, status.Data.GetProperty("content").GetProperty("v").GetInt32());
        Assert.Equal(originalId, status.Data.GetProperty("content").GetProperty("adjusts").GetProperty("recordId").GetString());
        var originalStatus = await Stack.VerifiedAsync(Role.Sandbox, a.Key, originalId);
        Assert.Equal(1, originalStatus.Data.GetProperty("contentVersion").GetInt32());
        Assert.False(originalStatus.Data.GetProperty("content").TryGetProperty("adjusts", out _));
        Assert.Equal([(1, "inv-3"), (2, "fix-2")], await VersionsAsync(a.TenantId, ["inv-3", "fix-2"]));

        // Offline, with the CLI: the receipt verifies with the delta as shown, and fails with its adjusts changed or dropped.
        var receipt = await Stack.SendAsync(Role.Sandbox, HttpMethod.Get, "/api/v1/verify/receipt/" + byRecord.Data.GetProperty("receiptId").GetString(), key: null);
        Assert.True(receipt.Data.GetProperty("verified").GetBoolean(), receipt.ToString());
        Assert.DoesNotContain(originalId, receipt.Raw, StringComparison.Ordinal);
        var folder = Directory.CreateTempSubdirectory("pacspace-adjusts-");
        var deltaFile = Path.Combine(folder.FullName, "delta.json");
        var receiptFile = Path.Combine(folder.FullName, "receipt.json");
        await File.WriteAllTextAsync(receiptFile, receipt.Raw);
        var publicKey = await PinnedKeyAsync(a.TenantId);
        await File.WriteAllTextAsync(deltaFile, status.Raw);
        var ok = await CliRunner.RunAsync("verify", "--delta", deltaFile, "--receipt", receiptFile, "--public-key", publicKey);
        Assert.True(ok.Code == 0, ok.Output);
        Assert.True(ok.Output.Contains("1. content hash: ok  content version 2", StringComparison.Ordinal), ok.Output);

        var content = status.Data.GetProperty("content").GetRawText();
        var otherId = a.Cust1RecordId;
        foreach (var changed in new[]
        {
            content.Replace(originalId, otherId, StringComparison.Ordinal),
            content.Replace("\"recordId\"", "\"referenceId\"", StringComparison.Ordinal),
            content.Replace($"\"adjusts\":{{\"recordId\":\"{originalId}\"}},", "", StringComparison.Ordinal).Replace("\"v\":2", "\"v\":1", StringComparison.Ordinal),
        })
        {
            Assert.NotEqual(content, changed);
            await File.WriteAllTextAsync(deltaFile, changed);
            var refused = await CliRunner.RunAsync("verify", "--delta", deltaFile, "--receipt", receiptFile, "--public-key", publicKey);
            Assert.True(refused.Code == 1, refused.Output);
            Assert.Contains("entry: FAILED", refused.Output, StringComparison.Ordinal);
        }

        folder.Delete(recursive: true);
    }

    [Fact]
    public async Task Emit_RetryOfCorrection_ReplaysFirstAnswerAndOtherAdjustsUnderSameKeyIsReuse()
    {
        var (a, _) = await TwoTenantsAsync();
        var rows = await CountAsync(a.TenantId);
        var first = await EmitCorrectionAsync(a.Key, "cust/1", """{"referenceId": "inv-1"}""", idempotencyKey: "fix-k", referenceId: "fix-r");
        Assert.True(first.Status == HttpStatusCode.Created, first.ToString());

        var again = await EmitCorrectionAsync(a.Key, "cust/1", """{"referenceId": "inv-1"}""", idempotencyKey: "fix-k", referenceId: "fix-r");
        var sameReference = await EmitCorrectionAsync(a.Key, "cust/1", """{"referenceId": "inv-1"}""", referenceId: "fix-r");
        // A retry is settled against the stored delta before the adjusts rule: another adjusts under the same key or
        // referenceId is a reuse (409), even when it names nothing (not a 404).
        var otherAdjusts = await EmitCorrectionAsync(a.Key, "cust/1", """{"referenceId": "inv-404"}""", idempotencyKey: "fix-k", referenceId: "fix-r");
        var otherAdjustsByReference = await EmitCorrectionAsync(a.Key, "cust/1", $$"""{"recordId": "{{a.Cust1RecordId}}"}""", referenceId: "fix-r");
        var noAdjusts = await Stack.EmitAsync(Role.Sandbox, a.Key, """{"customerId": "cust/1", "delta": 1, "reason": "correction", "referenceId": "fix-r"}""");

        Assert.Equal(first.Raw, again.Raw);
        Assert.Equal(first.Raw, sameReference.Raw);
        Assert.Equal((HttpStatusCode.Conflict, "IDEMPOTENCY_KEY_REUSED", "Idempotency-Key"), (otherAdjusts.Status, otherAdjusts.Code, otherAdjusts.DetailFields.Single()));
        Assert.Equal((HttpStatusCode.Conflict, "IDEMPOTENCY_KEY_REUSED", "referenceId"), (otherAdjustsByReference.Status, otherAdjustsByReference.Code,
            otherAdjustsByReference.DetailFields.Single()));
        Assert.Equal((HttpStatusCode.Conflict, "IDEMPOTENCY_KEY_REUSED"), (noAdjusts.Status, noAdjusts.Code));
        Assert.Equal(rows + 1, await CountAsync(a.TenantId));
    }

    private sealed record TenantSetup(string TenantId, string Key, string Cust1RecordId, string Cust1ReceiptId, string Cust2RecordId);

    /// <summary>
    /// Tenant A: <c>cust/1</c> with <c>inv-1</c>, <c>cust/2</c> with <c>inv-2</c>; tenant B: <c>cust/1</c> with <c>b-inv-1</c>
    /// (same customer id, other tenant), each verified.
    /// </summary>
    private async Task<(TenantSetup A, TenantSetup B)> TwoTenantsAsync()
    {
        var a = await TenantAsync("inv-1", "inv-2");
        var b = await TenantAsync("b-inv-1", "b-inv-2");
        return (a, b);
    }

    private async Task<TenantSetup> TenantAsync(string cust1Reference, string cust2Reference)
    {
        var session = await Api.ReadyTenantAsync();
        var key = (await Api.CreateKeyAsync(session)).FullKey;
        var one = await Stack.EmitAsync(Role.Sandbox, key, $$"""{"customerId": "cust/1", "delta": 100, "reason": "top-up", "referenceId": "{{cust1Reference}}"}""");
        var two = await Stack.EmitAsync(Role.Sandbox, key, $$"""{"customerId": "cust/2", "delta": 50, "reason": "top-up", "referenceId": "{{cust2Reference}}"}""");
        foreach (var emitted in new[] { one, two })
        {
            Assert.True(emitted.Status == HttpStatusCode.Created, emitted.ToString());
            await Stack.VerifiedAsync(Role.Sandbox, key, emitted.Data.GetProperty("recordId").GetString()!);
        }

        return new TenantSetup(session.TenantId, key, one.Data.GetProperty("recordId").GetString()!, one.Data.GetProperty("receiptId").GetString()!,
            two.Data.GetProperty("recordId").GetString()!);
    }

    private Task<Answer> EmitCorrectionAsync(string key, string customerId, string adjusts, string? idempotencyKey = null, string? referenceId = null, long amount = 1) =>
        Stack.EmitAsync(Role.Sandbox, key, JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["customerId"] = customerId,
            ["delta"] = amount,
            ["reason"] = "correction",
            ["referenceId"] = referenceId,
            ["adjusts"] = JsonDocument.Parse(adjusts).RootElement,
        }.Where(p => p.Value is not null).ToDictionary()), idempotencyKey);

    private async Task<long> CountAsync(string tenantId)
    {
        await using var plane = await Stack.PlaneDb(Role.Sandbox).OpenAsync(default);
        return await plane.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {PlaneRows.Deltas} WHERE tenant_id = @tenantId", new { tenantId });
    }

    /// <summary>The stored content version of the deltas with these referenceIds, in that order.</summary>
    private async Task<List<(int, string)>> VersionsAsync(string tenantId, string[] references)
    {
        await using var plane = await Stack.PlaneDb(Role.Sandbox).OpenAsync(default);
        var rows = await plane.QueryAsync<(long Version, string Reference)>(
            """
            SELECT CAST(d.content_version AS BIGINT), d.reference_id FROM deltas d JOIN tenant_ledgers l ON l.ledger_no = d.ledger_no
            WHERE l.tenant_id = @tenantId AND d.reference_id IS NOT NULL
            """, new { tenantId });
        var byReference = rows.ToDictionary(r => r.Reference, r => (int)r.Version);
        return references.Select(r => (byReference[r], r)).ToList();
    }

    /// <summary>The log key from the plane's own store, not from an answer being checked.</summary>
    private async Task<string> PinnedKeyAsync(string tenantId)
    {
        await using var plane = await Stack.PlaneDb(Role.Sandbox).OpenAsync(default);
        return await plane.ExecuteScalarAsync<string>("SELECT public_key FROM tenant_ledgers WHERE tenant_id = @tenantId", new { tenantId }) ?? "";
    }
}

public sealed class AdjustsScenariosOnSqlite(SharedStacks shared) : AdjustsScenarios(Store.Sqlite, null, shared);

[Collection(PostgresCollection.Name)]
public sealed class AdjustsScenariosOnPostgres(PostgresServer postgres, SharedStacks shared) : AdjustsScenarios(Store.Postgres, postgres, shared);
