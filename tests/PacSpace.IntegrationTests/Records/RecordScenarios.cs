using System.Net;
using System.Text;
using System.Text.Json;
using Dapper;
using PacSpace.Cli;
using PacSpace.IntegrationTests.Infrastructure;
using PacSpace.Ledger;
using PacSpace.Sdk;
using PacSpace.Sdk.Records;
using PacSpace.Sdk.Verify;

namespace PacSpace.IntegrationTests.Records;

/// <summary>
/// The Records API on a real stack: a record's life (recorded, amended, closed) as leaves of the tenant's signed log, receipts
/// that verify offline (SDK and <c>pacspace verify</c>) and fail after one changed byte, history paged with
/// <c>X-Next-From-Seq</c>, retries by referenceId and Idempotency-Key, and the other tenant's and other environment's view.
/// One stack per class: every scenario uses entity ids of its own.
/// </summary>
public abstract class RecordScenarios(RecordStack fixture)
{
    private const string Type = "machine-action-record";
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    protected TestStack Stack => fixture.Stack;

    private string Key => fixture.Key;

    private string KeyOf(string entityId, string env = "sandbox", string type = Type) => RecordKey.Of(fixture.Tenant.TenantId, env, type, entityId);

    private async Task<byte[]> PinnedKeyAsync(Role plane = Role.Sandbox) =>
        Convert.FromBase64String(await Stack.QueryPlaneAsync(c => c.ExecuteScalarAsync<string>("SELECT public_key FROM tenant_ledgers WHERE tenant_id = @t",
            new { t = fixture.Tenant.TenantId }), plane) ?? "");

    [Fact]
    public async Task Transitions_RecordedAmendedClosed_CommitAsOneChain_ReceiptsVerifyOffline_AndFailAfterOneChangedByte()
    {
        const string entity = "build/1 \u00e9";
        var recordKey = KeyOf(entity);
        var recorded = await Stack.TransitionAsync(Key, entity, RecordKit.Body("recorded", referenceId: "build-1:t"));
        Assert.Equal(HttpStatusCode.Created, recorded.Status);
        var first = recorded.Data;
        Assert.Equal((Type, entity, recordKey, "QUEUED", 0L, "recorded"), (first.GetProperty("recordType").GetString(), first.GetProperty("entityId").GetString(),
            first.GetProperty("recordKey").GetString(), first.GetProperty("status").GetString(), first.GetProperty("seq").GetInt64(), first.GetProperty("lifecycle").GetString()));
        Assert.Matches("^0x[0-9a-f]{64}$", recordKey);
        Assert.StartsWith("rcp_", first.GetProperty("receiptId").GetString(), StringComparison.Ordinal);

        var amended = await Stack.TransitionAsync(Key, entity, RecordKit.Body("amended", "Build deployed again",
            extra: $$"""\"note\": \"wrong artefact\", \"amends\": {\"recordKey\": \"{{recordKey}}\", \"seq\": 0}, \"references\": [{\"recordKey\": \"{{recordKey}}\", \"seq\": 0}]""".Replace("\\\"", "\"", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.Created, amended.Status);
        Assert.Equal(1, amended.Data.GetProperty("seq").GetInt64());
        var closed = await Stack.TransitionAsync(Key, entity, RecordKit.Body("closed", "Build retired", payloads: "[]"));
        Assert.Equal(HttpStatusCode.Created, closed.Status);
        Assert.Equal(2, closed.Data.GetProperty("seq").GetInt64());

        var after = await Stack.TransitionAsync(Key, entity, RecordKit.Body("amended", extra: $$"""
            "amends": {"recordKey": "{{recordKey}}", "seq": 0}
            """));
        Assert.Equal((HttpStatusCode.Conflict, "RECORD_CLOSED"), (after.Status, after.Code));
        Assert.Equal("A record that is closed takes nothing more; record further actions under a new entityId.", after.Body.GetProperty("error").GetProperty("message").GetString());

        // Committed in order: one chain through the log (seq, previous index), each entry a 66-byte type 0x02 leaf.
        var receipts = new List<JsonElement>();
        for (var seq = 0; seq < 3; seq++)
        {
            receipts.Add((await Stack.CommittedAsync(Key, entity, seq)).Data);
        }

        var entries = receipts.Select(r => RecordLeafEntry.TryDecode(Convert.FromBase64String(r.GetProperty("entry").GetString()!), out var e) ? e! : throw new InvalidOperationException()).ToList();
        Assert.Equal([0L, 1L, 2L], entries.Select(e => e.Seq));
        Assert.Null(entries[0].PrevRecordIndex);
        Assert.Equal(receipts[0].GetProperty("index").GetInt64(), entries[1].PrevRecordIndex);
        Assert.Equal(receipts[1].GetProperty("index").GetInt64(), entries[2].PrevRecordIndex);
        Assert.Equal([RecordLifecycle.Recorded, RecordLifecycle.Amended, RecordLifecycle.Closed], entries.Select(e => e.Lifecycle));
        var content = receipts[1].GetProperty("recordContent");
        Assert.Equal(0, content.GetProperty("amends").GetProperty("seq").GetInt64());
        Assert.Equal("wrong artefact", content.GetProperty("note").GetString());
        Assert.Equal("5", content.GetProperty("payloads")[0].GetProperty("byteLength").GetString());
        Assert.Equal(receipts[1].GetProperty("contentHash").GetString(), Hex.Encode(RecordContent.Parse(Encoding.UTF8.GetBytes(receipts[1].GetProperty("sealedRecord").GetRawText())).ContentHash()));

        // Offline with the SDK, against the key pinned from the plane's own store.
        var pinned = await PinnedKeyAsync();
        foreach (var r in receipts)
        {
            var check = RecordsClient.CheckReceipt(r.Deserialize<RecordReceipt>(Web)!, pinned);
            Assert.True(check.Passed, string.Join("\n", check.Steps));
        }

        var typed = receipts[1].Deserialize<RecordReceipt>(Web)!;
        var altered = JsonDocument.Parse(typed.SealedRecord.GetRawText().Replace("wrong artefact", "wrong artefacT", StringComparison.Ordinal)).RootElement;
        Assert.False(RecordsClient.CheckReceipt(altered, typed, pinned).Passed);
        Assert.False(RecordsClient.CheckReceipt(typed with { RecordContent = JsonDocument.Parse("""{"title":"other"}""").RootElement }, pinned).Passed);

        // pacspace verify --record, from the saved receipt answer; one changed byte of the entry fails it.
        var dir = Directory.CreateTempSubdirectory("pacspace-record-verify-").FullName;
        try
        {
            var receiptFile = Path.Combine(dir, "receipt.json");
            var answer = await Stack.RecordReceiptAsync(Key, entity, 1);
            await File.WriteAllTextAsync(receiptFile, answer.Raw);
            var key64 = Convert.ToBase64String(pinned);
            var (code, output) = await CliRunner.RunAsync("verify", "--record", receiptFile, "--receipt", receiptFile, "--public-key", key64);
            Assert.True(code == 0, output);
            Assert.Contains("record entry is recorded, unaltered", output, StringComparison.Ordinal);

            var sealedFile = Path.Combine(dir, "sealed.json");
            var sealedText = receipts[1].GetProperty("sealedRecord").GetRawText();
            var at = sealedText.IndexOf("wrong artefact", StringComparison.Ordinal);
            await File.WriteAllTextAsync(sealedFile, sealedText[..at] + "W" + sealedText[(at + 1)..]);
            var (failedCode, failedOutput) = await CliRunner.RunAsync("verify", "--record", sealedFile, "--receipt", receiptFile, "--public-key", key64);
            Assert.Equal(1, failedCode);
            Assert.Contains("FAILED", failedOutput, StringComparison.Ordinal);

            // The public receipt route proves the same entry, without the key and without its content.
            var publicReceipt = await Stack.SendAsync(Role.Sandbox, HttpMethod.Get, "/api/v1/verify/receipt/" + receipts[1].GetProperty("receiptId").GetString(), null);
            Assert.True(publicReceipt.Data.GetProperty("verified").GetBoolean());
            Assert.Equal("committed", publicReceipt.Data.GetProperty("status").GetString());
            Assert.DoesNotContain("wrong artefact", publicReceipt.Raw, StringComparison.Ordinal);
            var publicFile = Path.Combine(dir, "public.json");
            await File.WriteAllTextAsync(publicFile, publicReceipt.Raw);
            Assert.Equal(0, (await CliRunner.RunAsync("verify", "--record", receiptFile, "--receipt", publicFile, "--public-key", key64)).Code);
            // A record entry is no delta: the delta check refuses it.
            Assert.Equal(1, (await CliRunner.RunAsync("verify", "--delta", receiptFile, "--receipt", publicFile, "--public-key", key64)).Code);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Sdk_EmitsReadsAndChecks_AsTheOfficialClientsRecordsCheck()
    {
        using var client = new PacSpaceClient(new PacSpaceClientOptions { ApiKey = Key, SandboxUrl = Stack.Url(Role.Sandbox), ProductionUrl = Stack.Url(Role.Production) });
        var hello = RecordsClient.Fingerprint("hello"u8);
        Assert.Equal(("sha-256", "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", "5"), (hello.Alg, hello.Digest, hello.ByteLength));
        var first = await client.Records.EmitAsync(RecordsClient.DefaultRecordType, "sdk/1",
            new NewRecordTransition(Lifecycles.Recorded, new RecordEntryContent("Deployed", "2026-10-01T12:00:00Z", "ci", [hello]), "sdk-1:t"));
        Assert.Equal(("QUEUED", 0L, KeyOf("sdk/1")), (first.Status, first.Seq, first.RecordKey));
        var again = await client.Records.EmitAsync(RecordsClient.DefaultRecordType, "sdk/1",
            new NewRecordTransition(Lifecycles.Recorded, new RecordEntryContent("Deployed", "2026-10-01T12:00:00Z", "ci", [hello]), "sdk-1:t"));
        Assert.Equal(first, again);
        var second = await client.Records.EmitAsync(RecordsClient.DefaultRecordType, "sdk/1",
            new NewRecordTransition(Lifecycles.Amended, new RecordEntryContent("Redeployed", "2026-10-01T12:01:00Z", "ci", [], Amends: new RecordEntryRef(first.RecordKey, 0))));
        Assert.Equal(1, second.Seq);
        var refused = await Assert.ThrowsAsync<PacSpaceException>(() => client.Records.EmitAsync(RecordsClient.DefaultRecordType, "sdk/2",
            new NewRecordTransition(Lifecycles.Closed, new RecordEntryContent("x", "2026-10-01T12:00:00Z", "ci", []))));
        Assert.Equal((409, "RECORD_GENESIS_MISMATCH"), (refused.StatusCode, refused.Code));

        await Stack.CommittedAsync(Key, "sdk/1", 1);
        var history = await client.Records.GetHistoryAsync(RecordsClient.DefaultRecordType, "sdk/1");
        Assert.Equal([0L, 1L], history.Entries.Select(e => e.Seq));
        Assert.Null(history.NextFromSeq);
        var check = RecordsClient.Check(history, [new RecordExpectation(1, [hello])]);
        Assert.True(check.Ok, check.Reason);
        Assert.Equal([1L, 2L], check.Entries.Select(e => e.Entry));
        Assert.True(check.Entries[0].Expected);
        Assert.Null(check.Entries[1].Expected);
        var missed = RecordsClient.Check(history, [new RecordExpectation(2, [hello])]);
        Assert.Equal((false, "semantic"), (missed.Ok, missed.FailedCheck));

        var receipt = await client.Records.GetReceiptAsync(RecordsClient.DefaultRecordType, "sdk/1", 0);
        Assert.True(RecordsClient.CheckReceipt(receipt, await PinnedKeyAsync()).Passed);
        Assert.Equal((receipt.ReceiptId, receipt.ContentHash, receipt.Entry), (history.Receipts[0].ReceiptId, history.Receipts[0].ContentHash, history.Receipts[0].Entry));
        var notFound = await Assert.ThrowsAsync<PacSpaceException>(() => client.Records.GetReceiptAsync(RecordsClient.DefaultRecordType, "sdk/1", 7));
        Assert.Equal(404, notFound.StatusCode);
    }

    [Fact]
    public async Task History_PagesWithNextFromSeq_BothBoundsIncluded()
    {
        const string entity = "paged-1";
        var key = KeyOf(entity);
        Assert.Equal(HttpStatusCode.Created, (await Stack.TransitionAsync(Key, entity, RecordKit.Body("recorded"))).Status);
        for (var i = 1; i <= 4; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await Stack.TransitionAsync(Key, entity, RecordKit.Body("amended", $"step {i}", extra: $$"""
                "amends": {"recordKey": "{{key}}", "seq": {{i - 1}}}
                """))).Status);
        }

        await Stack.CommittedAsync(Key, entity, 4);
        var pages = new List<(List<long> Seqs, string? Next)>();
        foreach (var query in new[] { "?limit=2", "?fromSeq=2&limit=2", "?fromSeq=4&limit=2", "?fromSeq=1&toSeq=3", "?fromSeq=1&toSeq=2&limit=1", "?fromSeq=9" })
        {
            var page = await Stack.HistoryAsync(Key, entity, query);
            Assert.Equal(HttpStatusCode.OK, page.Status);
            Assert.Equal("record-history-bundle/v1", page.Body.GetProperty("schema").GetString());
            Assert.False(page.Body.TryGetProperty("success", out _));
            Assert.Equal(key, page.Body.GetProperty("recordKey").GetString());
            Assert.All(page.Body.GetProperty("entries").EnumerateArray(), e => Assert.Equal("committed", e.GetProperty("status").GetString()));
            Assert.Equal(page.Body.GetProperty("entries").GetArrayLength(), page.Body.GetProperty("receipts").GetArrayLength());
            Assert.Equal(0, page.Body.GetProperty("pendingEntries").GetArrayLength());
            pages.Add((page.Body.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("seq").GetInt64()).ToList(),
                page.Headers.TryGetValues("X-Next-From-Seq", out var next) ? next.Single() : null));
        }

        Expected[] expected = [new([0, 1], "2"), new([2, 3], "4"), new([4], null), new([1, 2, 3], null), new([1], "2"), new([], null)];
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Seqs, pages[i].Seqs);
            Assert.Equal(expected[i].Next, pages[i].Next);
        }

        foreach (var (query, field) in new[] { ("?fromSeq=3&toSeq=2", "toSeq"), ("?fromSeq=x", "fromSeq"), ("?fromSeq=-1", "fromSeq"), ("?limit=0", "limit"), ("?toSeq=1.5", "toSeq") })
        {
            var bad = await Stack.HistoryAsync(Key, entity, query);
            Assert.Equal((HttpStatusCode.BadRequest, "VALIDATION_ERROR"), (bad.Status, bad.Code));
            Assert.Contains(field, bad.DetailFields);
        }

        var unknown = await Stack.HistoryAsync(Key, "paged-unknown");
        Assert.Equal((HttpStatusCode.NotFound, "NOT_FOUND"), (unknown.Status, unknown.Code));
    }

    [Fact]
    public async Task Retry_ByReferenceIdOrIdempotencyKey_ReplaysTheAnswer_AnotherBodyIsRefused()
    {
        const string entity = "retry-1";
        var body = RecordKit.Body("recorded", referenceId: "retry-1:t");
        var first = await Stack.TransitionAsync(Key, entity, body);
        Assert.Equal(HttpStatusCode.Created, first.Status);
        var footprint = await Stack.FootprintAsync();
        var again = await Stack.TransitionAsync(Key, entity, body);
        Assert.Equal((HttpStatusCode.Created, first.Raw), (again.Status, again.Raw));

        var other = await Stack.TransitionAsync(Key, entity, RecordKit.Body("recorded", "another title", referenceId: "retry-1:t"));
        Assert.Equal((HttpStatusCode.Conflict, "IDEMPOTENCY_KEY_REUSED"), (other.Status, other.Code));
        Assert.Equal(["referenceId"], other.DetailFields);
        var elsewhere = await Stack.TransitionAsync(Key, "retry-2", body);
        Assert.Equal((HttpStatusCode.Conflict, "IDEMPOTENCY_KEY_REUSED"), (elsewhere.Status, elsewhere.Code));
        Assert.Equal(footprint, await Stack.FootprintAsync());

        // The record moves on; a late retry of its first transition still gets the first answer, not a lifecycle refusal.
        var amend = RecordKit.Body("amended", extra: $$"""
            "amends": {"recordKey": "{{KeyOf(entity)}}", "seq": 0}
            """);
        var headers = new Dictionary<string, string> { ["Idempotency-Key"] = "retry-1-amend" };
        var amended = await Stack.TransitionAsync(Key, entity, amend, headers: headers);
        Assert.Equal(HttpStatusCode.Created, amended.Status);
        Assert.Equal(first.Raw, (await Stack.TransitionAsync(Key, entity, body)).Raw);
        Assert.Equal(amended.Raw, (await Stack.TransitionAsync(Key, entity, amend, headers: headers)).Raw);
        var reused = await Stack.TransitionAsync(Key, entity, amend.Replace("Build deployed", "Build redeployed", StringComparison.Ordinal), headers: headers);
        Assert.Equal((HttpStatusCode.Conflict, "IDEMPOTENCY_KEY_REUSED", "Idempotency-Key"), (reused.Status, reused.Code, reused.DetailFields.Single()));

        // Ten identical first transitions at once: one entry, ten equal answers.
        var race = RecordKit.Body("recorded", referenceId: "retry-3:t");
        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Stack.TransitionAsync(Key, "retry-3", race)));
        Assert.All(answers, a => Assert.Equal((HttpStatusCode.Created, answers[0].Raw), (a.Status, a.Raw)));
        Assert.Equal(1, await Stack.QueryPlaneAsync(c => c.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM record_entries e JOIN records r ON r.record_no = e.record_no WHERE r.entity_id = 'retry-3'")));
    }

    [Fact]
    public async Task OtherTenantsRecord_IsNotFound_OtherEnvironmentsKeyIsRefused_EnvironmentsKeepTheirOwnRecords()
    {
        const string entity = "iso-1";
        Assert.Equal(HttpStatusCode.Created, (await Stack.TransitionAsync(Key, entity, RecordKit.Body("recorded"))).Status);
        var unknown = await Stack.RecordReceiptAsync(fixture.OtherKey, "iso-never", 0);
        var foreignReceipt = await Stack.RecordReceiptAsync(fixture.OtherKey, entity, 0);
        Assert.Equal((HttpStatusCode.NotFound, unknown.Raw), (foreignReceipt.Status, foreignReceipt.Raw));
        Assert.Equal(HttpStatusCode.NotFound, (await Stack.HistoryAsync(fixture.OtherKey, entity)).Status);

        // Another tenant cannot amend or reference it: to that tenant it does not exist.
        var footprint = await Stack.FootprintAsync();
        var amend = await Stack.TransitionAsync(fixture.OtherKey, entity, RecordKit.Body("amended", extra: $$"""
            "amends": {"recordKey": "{{KeyOf(entity)}}", "seq": 0}
            """));
        Assert.Equal((HttpStatusCode.BadRequest, "RECORD_AMENDS_MISMATCH"), (amend.Status, amend.Code));
        var reference = await Stack.TransitionAsync(fixture.OtherKey, "iso-2", RecordKit.Body("recorded", extra: $$"""
            "references": [{"recordKey": "{{KeyOf(entity)}}", "seq": 0}]
            """));
        Assert.Equal((HttpStatusCode.NotFound, "RECORD_ENTRY_NOT_FOUND"), (reference.Status, reference.Code));
        Assert.Equal(["content.references[0].recordKey"], reference.DetailFields);
        Assert.Equal(footprint, await Stack.FootprintAsync());
        var own = await Stack.TransitionAsync(fixture.OtherKey, entity, RecordKit.Body("recorded"));
        Assert.Equal((HttpStatusCode.Created, 0L), (own.Status, own.Data.GetProperty("seq").GetInt64()));
        Assert.NotEqual(KeyOf(entity), own.Data.GetProperty("recordKey").GetString());

        // The live key is Production's: refused by the Sandbox plane; on Production the Sandbox record does not exist.
        var mismatch = await Stack.RecordReceiptAsync(fixture.LiveKey, entity, 0);
        Assert.Equal((HttpStatusCode.Forbidden, "API_KEY_ENVIRONMENT_HOST_MISMATCH"), (mismatch.Status, mismatch.Code));
        Assert.Equal(HttpStatusCode.NotFound, (await Stack.RecordReceiptAsync(fixture.LiveKey, entity, 0, plane: Role.Production)).Status);
        var live = await Stack.TransitionAsync(fixture.LiveKey, entity, RecordKit.Body("recorded"), plane: Role.Production);
        Assert.Equal((HttpStatusCode.Created, KeyOf(entity, "production")), (live.Status, live.Data.GetProperty("recordKey").GetString()));
        Assert.Equal(0, await Stack.QueryPlaneAsync(c => c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM records WHERE entity_id = 'iso-1' AND ledger_no NOT IN (SELECT ledger_no FROM tenant_ledgers)")));

        // No key, a wrong key.
        Assert.Equal((HttpStatusCode.Unauthorized, "MISSING_API_KEY"), await StatusAndCode(Stack.TransitionAsync(null!, entity, RecordKit.Body("amended"))));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Stack.RecordReceiptAsync(Key[..^2] + "xx", entity, 0)).Status);
    }

    private sealed record Expected(long[] Seqs, string? Next);

    private static async Task<(HttpStatusCode, string?)> StatusAndCode(Task<Answer> answer)
    {
        var a = await answer;
        return (a.Status, a.Code);
    }
}

public sealed class RecordScenariosOnSqlite(RecordStackOnSqlite fixture) : RecordScenarios(fixture), IClassFixture<RecordStackOnSqlite>;

[Collection(PostgresCollection.Name)]
public sealed class RecordScenariosOnPostgres(RecordStackOnPostgres fixture) : RecordScenarios(fixture), IClassFixture<RecordStackOnPostgres>;
