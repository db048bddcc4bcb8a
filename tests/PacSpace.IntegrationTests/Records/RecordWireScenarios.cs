using System.Text.Json;
using PacSpace.Cli;
using PacSpace.IntegrationTests.Balance;
using PacSpace.IntegrationTests.Infrastructure;
using PacSpace.Ledger;

namespace PacSpace.IntegrationTests.Records;

/// <summary>The stack of the wire scenarios: history pages of one entry, so the official client's plain history call pages.</summary>
public sealed class RecordWireStackOnSqlite() : RecordStack(Store.Sqlite, null, o => o.Overrides["Plane:RecordHistoryPage"] = "1");

public sealed class RecordWireStackOnPostgres(PostgresServer postgres) : RecordStack(Store.Postgres, postgres, o => o.Overrides["Plane:RecordHistoryPage"] = "1");

/// <summary>
/// The official Python client's records calls (0.4: entries from 1 in the client, seq from 0 on the wire), written byte for
/// byte as its urllib transport sends them, and what its <c>records.emit</c>, <c>records.receipt</c>, <c>records.history</c>
/// and <c>records.check</c> read back: the expectations of its RecordsFlowsTest, against a real plane.
/// </summary>
public abstract class RecordWireScenarios(RecordStack fixture)
{
    private const string Hello = """{"alg": "sha-256", "digest": "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", "byteLength": "5"}""";

    [Fact]
    public async Task PythonClient_RecordsCalls_OnTheWire()
    {
        var wire = new PythonWire(fixture.Stack.Url(Role.Sandbox), fixture.Key);
        const string root = "/api/v1/records/machine-action-record";
        var key = (string entity) => RecordKey.Of(fixture.Tenant.TenantId, "sandbox", "machine-action-record", entity);

        // records.emit(record="build-1", title=…, occurred_at=…, actor_id=…, payloads=[fingerprint(b"hello")], idempotency_key="build-1:t")
        var emitBody = $$"""{"lifecycle": "recorded", "content": {"title": "Build 1 deployed", "occurredAt": "2026-10-01T12:00:00Z", "actorId": "ci-bot", "payloads": [{{Hello}}]}, "referenceId": "build-1:t"}""";
        var emitted = await wire.PostAsync($"{root}/build-1/transitions", emitBody);
        Assert.Equal(201, emitted.Status);
        Assert.Contains("POST /api/v1/records/machine-action-record/build-1/transitions HTTP/1.1", emitted.Request, StringComparison.Ordinal);
        var data = Data(emitted);
        Assert.Equal(("QUEUED", "machine-action-record", "build-1", key("build-1")), (data.GetProperty("status").GetString(), data.GetProperty("recordType").GetString(),
            data.GetProperty("entityId").GetString(), data.GetProperty("recordKey").GetString()));
        Assert.Matches("^0x[0-9a-f]{64}$", data.GetProperty("recordKey").GetString());
        Assert.StartsWith("rcp_", data.GetProperty("receiptId").GetString(), StringComparison.Ordinal);
        // A retry after a lost answer (the client resends the same bytes): the same answer.
        Assert.Equal(emitted.Body, (await wire.PostAsync($"{root}/build-1/transitions", emitBody)).Body);

        // A second record of five entries to reference: entry 3 is seq 2, and a reference given as seq 4 stays 4.
        Assert.Equal(201, (await wire.PostAsync($"{root}/build-2/transitions",
            $$$"""{"lifecycle": "recorded", "content": {"title": "Build 2", "occurredAt": "2026-10-01T12:00:00Z", "actorId": "ci-bot", "payloads": []}}""")).Status);
        for (var seq = 0; seq < 4; seq++)
        {
            Assert.Equal(201, (await wire.PostAsync($"{root}/build-2/transitions",
                $$$$"""{"lifecycle": "amended", "content": {"title": "Build 2 step {{{{seq + 1}}}}", "occurredAt": "2026-10-01T12:00:00Z", "actorId": "ci-bot", "payloads": [], "amends": {"recordKey": "{{{{key("build-2")}}}}", "seq": {{{{seq}}}}}}}""")).Status);
        }

        // amends={"entry": 1}, references=[{"recordKey": …, "entry": 3}, {"recordKey": …, "seq": 4}], note="…"
        var amended = await wire.PostAsync($"{root}/build-1/transitions",
            $$$"""{"lifecycle": "amended", "content": {"title": "Build 1 redeployed", "occurredAt": "2026-10-01T12:05:00Z", "actorId": "ci-bot", "payloads": [{{{Hello}}}], "references": [{"recordKey": "{{{key("build-2")}}}", "seq": 2}, {"recordKey": "{{{key("build-2")}}}", "seq": 4}], "amends": {"recordKey": "{{{key("build-1")}}}", "seq": 0}, "note": "wrong artefact"}}""");
        Assert.Equal(1, Data(amended).GetProperty("seq").GetInt64());

        // A record that opens with amended: the failure code and its sentence, nested as the client reads them.
        var genesis = await wire.PostAsync($"{root}/build-9/transitions",
            $$$"""{"lifecycle": "closed", "content": {"title": "t", "occurredAt": "2026-10-01T12:00:00Z", "actorId": "ci-bot", "payloads": []}}""");
        Assert.Equal(409, genesis.Status);
        var error = JsonDocument.Parse(genesis.Body).RootElement.GetProperty("error");
        Assert.Equal(("RECORD_GENESIS_MISMATCH", "A record opens with recorded; amended and closed come after it."), (error.GetProperty("code").GetString(), error.GetProperty("message").GetString()));

        // records.receipt("build-1", 1) → /receipts/0, in the envelope.
        var receipt = await KeyTestKit.EventuallyAsync(() => wire.GetAsync($"{root}/build-1/receipts/0"),
            a => a.Status == 200 && Data(a).GetProperty("status").GetString() == "committed", TimeSpan.FromSeconds(15), "entry 1 committed");
        var receiptData = Data(receipt);
        Assert.Equal(0, receiptData.GetProperty("seq").GetInt64());
        var committedPayload = receiptData.GetProperty("recordContent").GetProperty("payloads")[0];
        Assert.Equal(("sha-256", "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", "5"),
            (committedPayload.GetProperty("alg").GetString(), committedPayload.GetProperty("digest").GetString(), committedPayload.GetProperty("byteLength").GetString()));

        // records.history("build-1"): the raw bundle, paged with x-next-from-seq (here after one entry: the client's nextFromSeq == 1).
        await KeyTestKit.EventuallyAsync(() => wire.GetAsync($"{root}/build-1/receipts/1"),
            a => a.Status == 200 && Data(a).GetProperty("status").GetString() == "committed", TimeSpan.FromSeconds(15), "entry 2 committed");
        var history = await wire.GetAsync($"{root}/build-1/history");
        Assert.Equal(200, history.Status);
        Assert.Equal("1", history.Headers["x-next-from-seq"]);
        var bundle = JsonDocument.Parse(history.Body).RootElement;
        Assert.Equal("record-history-bundle/v1", bundle.GetProperty("schema").GetString());
        Assert.False(bundle.TryGetProperty("success", out _));
        Assert.Equal(key("build-1"), bundle.GetProperty("recordKey").GetString());
        var entry = Assert.Single(bundle.GetProperty("entries").EnumerateArray());
        Assert.Equal((0L, "committed"), (entry.GetProperty("seq").GetInt64(), entry.GetProperty("status").GetString()));
        var bundled = Assert.Single(bundle.GetProperty("receipts").EnumerateArray());
        Assert.Equal((0L, "committed", receiptData.GetProperty("receiptId").GetString()), (bundled.GetProperty("seq").GetInt64(), bundled.GetProperty("status").GetString(),
            bundled.GetProperty("receiptId").GetString()));

        // records.check(history, expect=[{entry: 1, payloads: [fingerprint(b"hello")]}]), as the client computes it: entry 1 is seq 0,
        // expected when "alg:digest:byteLength" of each expected reference is among the committed recordContent.payloads.
        var committed = bundled.GetProperty("recordContent").GetProperty("payloads").EnumerateArray()
            .Select(p => $"{p.GetProperty("alg").GetString()}:{p.GetProperty("digest").GetString()!.ToLowerInvariant()}:{p.GetProperty("byteLength").GetString()}").ToList();
        Assert.Contains("sha-256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824:5", committed);
        Assert.Equal(committed, bundled.GetProperty("sealedRecord").GetProperty("content").GetProperty("payloads").EnumerateArray()
            .Select(p => $"{p.GetProperty("alg").GetString()}:{p.GetProperty("digest").GetString()}:{p.GetProperty("byteLength").GetString()}").ToList());

        // records.history("build-2", from_entry=2, to_entry=5) → ?fromSeq=1&toSeq=4, page by page.
        var seqs = new List<long>();
        var from = "1";
        while (from is not null)
        {
            var page = await KeyTestKit.EventuallyAsync(() => wire.GetAsync($"{root}/build-2/history?fromSeq={from}&toSeq=4"),
                a => a.Status == 200 && JsonDocument.Parse(a.Body).RootElement.GetProperty("pendingEntries").GetArrayLength() == 0, TimeSpan.FromSeconds(15), "build-2 committed");
            seqs.AddRange(JsonDocument.Parse(page.Body).RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("seq").GetInt64()));
            from = page.Headers.TryGetValue("x-next-from-seq", out var next) ? next : null;
        }

        Assert.Equal([1L, 2L, 3L, 4L], seqs);
        var references = Data(await wire.GetAsync($"{root}/build-1/receipts/1")).GetProperty("recordContent").GetProperty("references");
        Assert.Equal([2L, 4L], references.EnumerateArray().Select(r => r.GetProperty("seq").GetInt64()));

        // Path segments percent-encoded with nothing kept safe: one segment each.
        var encoded = "/api/v1/records/" + Uri.EscapeDataString("deploy record") + "/" + Uri.EscapeDataString("team/\u00e9quipe") + "/transitions";
        var odd = await wire.PostAsync(encoded, $$$"""{"lifecycle": "recorded", "content": {"title": "t", "occurredAt": "2026-10-01T12:00:00Z", "actorId": "ci-bot", "payloads": []}}""");
        Assert.Equal(("deploy record", "team/\u00e9quipe"), (Data(odd).GetProperty("recordType").GetString(), Data(odd).GetProperty("entityId").GetString()));
        Assert.Contains("team%2F%C3%A9quipe", odd.Request, StringComparison.Ordinal);

        // Through the one origin (the control plane's address, where the official clients' default URLs point): the same plane answers.
        var oneOrigin = new PythonWire(fixture.Stack.Url(Role.Dashboard), fixture.Key);
        var viaOrigin = await oneOrigin.GetAsync($"{root}/build-1/receipts/0");
        Assert.Equal(receiptData.GetProperty("receiptId").GetString(), Data(viaOrigin).GetProperty("receiptId").GetString());
        var originHistory = await oneOrigin.GetAsync($"{root}/build-1/history");
        Assert.Equal(("1", "record-history-bundle/v1"), (originHistory.Headers["x-next-from-seq"], JsonDocument.Parse(originHistory.Body).RootElement.GetProperty("schema").GetString()));

        // Every 2xx but the history is the envelope; records answers are JSON, never compressed.
        foreach (var answer in wire.Answers.Where(a => a.Status is >= 200 and < 300))
        {
            var body = JsonDocument.Parse(answer.Body).RootElement;
            Assert.True(body.TryGetProperty("schema", out _) || (body.GetProperty("success").ValueKind == JsonValueKind.True && body.TryGetProperty("data", out _)), answer.Request);
            Assert.Equal("application/json; charset=utf-8", answer.Headers["content-type"]);
            Assert.False(answer.Headers.ContainsKey("content-encoding"));
        }
    }

    private static JsonElement Data(WireAnswer answer)
    {
        Assert.True(answer.Status is >= 200 and < 300, $"{answer.Request.Split('\r')[0]} → {answer.Status} {answer.Body}");
        return JsonDocument.Parse(answer.Body).RootElement.GetProperty("data").Clone();
    }
}

public sealed class RecordWireScenariosOnSqlite(RecordWireStackOnSqlite fixture) : RecordWireScenarios(fixture), IClassFixture<RecordWireStackOnSqlite>;

[Collection(PostgresCollection.Name)]
public sealed class RecordWireScenariosOnPostgres(RecordWireStackOnPostgres fixture) : RecordWireScenarios(fixture), IClassFixture<RecordWireStackOnPostgres>;
