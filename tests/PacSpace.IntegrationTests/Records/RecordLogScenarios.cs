using System.Net;
using System.Text.Json;
using Dapper;
using PacSpace.Cli;
using PacSpace.IntegrationTests.Infrastructure;
using PacSpace.Ledger;
using PacSpace.Sdk;
using PacSpace.Sdk.Balance;
using PacSpace.Sdk.Records;
using PacSpace.Sdk.Verify;

namespace PacSpace.IntegrationTests.Records;

/// <summary>
/// Deltas and record entries in one log: both kinds of receipt verify against the same signed heads, the log's indexes stay
/// contiguous across both, and everything that counts or sums deltas (checkpoints, derive, customers, usage, the free cap)
/// sees the deltas only. <c>record.committed</c> reaches the endpoints subscribed to it, one event per committed entry.
/// </summary>
public abstract class RecordLogScenarios(RecordStack fixture)
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private TestStack Stack => fixture.Stack;

    private PacSpaceClient Client(string key) =>
        new(new PacSpaceClientOptions { ApiKey = key, SandboxUrl = Stack.Url(Role.Sandbox), ProductionUrl = Stack.Url(Role.Production) });

    [Fact]
    public async Task DeltasAndRecordsInterleaved_BothVerify_BalancesAndCountsSeeDeltasOnly()
    {
        var tenant = await Stack.Dashboard.ReadyTenantAsync();
        var key = (await Stack.Dashboard.CreateKeyAsync(tenant)).FullKey;
        using var client = Client(key);
        var recordKey = RecordKey.Of(tenant.TenantId, "sandbox", RecordsClient.DefaultRecordType, "mix-1");
        var content = (string title, RecordEntryRef? amends) => new RecordEntryContent(title, "2026-10-01T12:00:00Z", "ci", [RecordsClient.Fingerprint("hello"u8)], Amends: amends);

        var deltas = new List<DeltaReceipt>();
        var entries = new List<RecordTransition>();
        deltas.Add(await client.Balance.EmitAsync(new NewDelta("c1", 10, "usage")));
        entries.Add(await client.Records.EmitAsync(RecordsClient.DefaultRecordType, "mix-1", new NewRecordTransition(Lifecycles.Recorded, content("one", null))));
        deltas.Add(await client.Balance.EmitAsync(new NewDelta("c1", -3, "refund")));
        entries.Add(await client.Records.EmitAsync(RecordsClient.DefaultRecordType, "mix-1", new NewRecordTransition(Lifecycles.Amended, content("two", new RecordEntryRef(recordKey, 0)))));
        deltas.Add(await client.Balance.EmitAsync(new NewDelta("c2", 5, "usage")));
        entries.Add(await client.Records.EmitAsync(RecordsClient.DefaultRecordType, "mix-1", new NewRecordTransition(Lifecycles.Closed, content("three", null))));
        deltas.Add(await client.Balance.EmitAsync(new NewDelta("c1", 1, "usage")));

        // Before the head signer has run (or while it runs), the free plan's count is of deltas: 4, not 7.
        var usage = await Stack.SendAsync(Role.Sandbox, HttpMethod.Get, "/api/v1/balance/usage", key);
        Assert.Equal((4L, 96L), (usage.Data.GetProperty("used").GetInt64(), usage.Data.GetProperty("remaining").GetInt64()));

        var verified = new List<DeltaStatus>();
        foreach (var d in deltas)
        {
            verified.Add(await client.Balance.WaitForVerifiedAsync(d.RecordId, TimeSpan.FromSeconds(15)));
        }

        await Stack.CommittedAsync(key, "mix-1", 2);

        // One log, indexes 0..6 with no gap, alternating kinds as appended.
        var ledgerNo = await Stack.QueryPlaneAsync(c => c.ExecuteScalarAsync<long>("SELECT ledger_no FROM tenant_ledgers WHERE tenant_id = @t", new { t = tenant.TenantId }));
        var deltaIndexes = await Stack.QueryPlaneAsync(c => c.QueryAsync<long>("SELECT log_index FROM deltas WHERE ledger_no = @ledgerNo ORDER BY log_index", new { ledgerNo }));
        var recordIndexes = await Stack.QueryPlaneAsync(c => c.QueryAsync<long>("SELECT log_index FROM record_entries WHERE ledger_no = @ledgerNo ORDER BY log_index", new { ledgerNo }));
        Assert.Equal([0L, 2L, 4L, 6L], deltaIndexes);
        Assert.Equal([1L, 3L, 5L], recordIndexes);

        // Every receipt, of either kind, proves its entry against the pinned key.
        var pinned = Convert.FromBase64String(await Stack.QueryPlaneAsync(c => c.ExecuteScalarAsync<string>("SELECT public_key FROM tenant_ledgers WHERE ledger_no = @ledgerNo", new { ledgerNo })) ?? "");
        foreach (var (d, v) in deltas.Zip(verified))
        {
            Assert.True(VerifyClient.CheckReceipt(v.Content, await client.Verify.GetReceiptAsync(d.ReceiptId), pinned).Passed, d.RecordId);
        }

        for (var seq = 0; seq < 3; seq++)
        {
            var receipt = await client.Records.GetReceiptAsync(RecordsClient.DefaultRecordType, "mix-1", seq);
            Assert.Equal(recordIndexes.ElementAt(seq), receipt.Index);
            Assert.True(RecordsClient.CheckReceipt(receipt, pinned).Passed, $"entry {seq}");
            var publicReceipt = await client.Verify.GetReceiptAsync(receipt.ReceiptId);
            Assert.True(RecordsClient.CheckReceipt(receipt.SealedRecord, receipt with { TreeSize = publicReceipt.GetProperty("treeSize").GetInt64(),
                InclusionProof = publicReceipt.GetProperty("inclusionProof").EnumerateArray().Select(h => h.GetString()!).ToList(),
                Checkpoint = publicReceipt.GetProperty("checkpoint").GetString() }, pinned).Passed);
        }

        // Balances and counts: deltas only.
        var derived = await client.Balance.DeriveAsync("c1", BalanceScope.CurrentMonth);
        Assert.Equal((8L, 3L), (derived.ComputedBalance, derived.DeltasCount));
        var customer = await Stack.SendAsync(Role.Sandbox, HttpMethod.Get, "/api/v1/balance/customers/c1", key);
        Assert.Equal((3L, 0L, 8L), (customer.Data.GetProperty("totalDeltas").GetInt64(), customer.Data.GetProperty("pendingDeltas").GetInt64(),
            customer.Data.GetProperty("computedBalance").GetInt64()));
        Assert.False((await Stack.SendAsync(Role.Sandbox, HttpMethod.Get, "/api/v1/balance/gaps/c1", key)).Data.GetProperty("hasGaps").GetBoolean());
        usage = await Stack.SendAsync(Role.Sandbox, HttpMethod.Get, "/api/v1/balance/usage", key);
        Assert.Equal((4L, 0L), (usage.Data.GetProperty("used").GetInt64(), usage.Data.GetProperty("pending").GetInt64()));

        var checkpoint = await client.Balance.CheckpointAsync();
        var period = await client.Verify.GetProofRootAsync(checkpoint.ProofRoot);
        Assert.Equal(7, period.TreeSize);
        Assert.Equal((4L, 13L, 2L), (period.Summary.DeltaCount, period.Summary.NetChange, period.Summary.CustomerCount));
        Assert.Equal(4, period.PeriodStatement.GetProperty("deltaCount").GetInt64());
        Assert.True(VerifyClient.CheckPeriod(period, pinned).Passed);
        var invoice = await client.Balance.GetInvoiceProofAsync("c1", BalanceScope.CurrentMonth);
        Assert.True(VerifyClient.CheckPeriod(period, pinned, invoice.BalanceProof).Passed);
        Assert.Equal(8, invoice.BalanceProof.ClosingBalance);
    }

    [Fact]
    public async Task RecordCommitted_ReachesEndpointsSubscribedToIt_OneEventPerEntry_InTheDeliveryLog()
    {
        var tenant = await Stack.Dashboard.ReadyTenantAsync();
        var key = (await Stack.Dashboard.CreateKeyAsync(tenant)).FullKey;
        await using var records = await WebhookReceiver.StartAsync();
        await using var deltas = await WebhookReceiver.StartAsync();
        var recordHook = await Stack.Dashboard.CreateWebhookAsync(tenant, "sandbox", records.Url, ["record.committed"]);
        await Stack.Dashboard.CreateWebhookAsync(tenant, "sandbox", deltas.Url, ["delta.verified"]);
        await KeyTestKit.EventuallyAsync(() => Stack.PlaneWebhookAsync(Role.Sandbox, recordHook.Id), r => r is not null, TimeSpan.FromSeconds(10), "endpoint on the plane");

        var recordKey = RecordKey.Of(tenant.TenantId, "sandbox", "machine-action-record", "hook-1");
        Assert.Equal(HttpStatusCode.Created, (await Stack.TransitionAsync(key, "hook-1", RecordKit.Body("recorded"))).Status);
        Assert.Equal(HttpStatusCode.Created, (await Stack.EmitAsync(Role.Sandbox, key, """{"customerId": "c1", "delta": 3, "reason": "usage"}""")).Status);
        Assert.Equal(HttpStatusCode.Created, (await Stack.TransitionAsync(key, "hook-1", RecordKit.Body("closed"))).Status);

        var got = await records.WaitForAsync(2, TimeSpan.FromSeconds(30));
        var deltaGot = await deltas.WaitForAsync(1, TimeSpan.FromSeconds(30));
        await Task.Delay(500);
        Assert.Equal(2, records.Received.Count);
        Assert.Single(deltas.Received);
        Assert.Equal("delta.verified", JsonDocument.Parse(deltaGot[0].Body).RootElement.GetProperty("event").GetString());

        var events = got.Select(r => JsonDocument.Parse(r.Body).RootElement).OrderBy(e => e.GetProperty("data").GetProperty("records")[0].GetProperty("seq").GetInt64()).ToList();
        for (var seq = 0; seq < 2; seq++)
        {
            var e = events[seq];
            Assert.Equal(("record.committed", tenant.TenantId), (e.GetProperty("event").GetString(), e.GetProperty("tenantId").GetString()));
            var data = e.GetProperty("data");
            var receipt = (await Stack.CommittedAsync(key, "hook-1", seq)).Data;
            Assert.Equal((receipt.GetProperty("receiptId").GetString(), "committed", 1), (data.GetProperty("receiptId").GetString(), data.GetProperty("status").GetString(),
                data.GetProperty("itemCount").GetInt32()));
            Assert.Matches("^sandbox\\.pacspace\\.local/.+@\\d+$", data.GetProperty("verificationId").GetString());
            Assert.Equal(JsonValueKind.String, data.GetProperty("verifiedAt").ValueKind);
            Assert.True(data.GetProperty("verification").GetProperty("verified").GetBoolean());
            var item = data.GetProperty("records")[0];
            Assert.Equal(("hook-1", recordKey, (long)seq, seq == 0 ? "recorded" : "closed", receipt.GetProperty("contentHash").GetString()),
                (item.GetProperty("entityId").GetString(), item.GetProperty("recordKey").GetString(), item.GetProperty("seq").GetInt64(), item.GetProperty("lifecycle").GetString(),
                 item.GetProperty("contentHash").GetString()));
            Assert.Equal(e.GetProperty("id").GetString(), got.Single(r => r.Body == e.GetRawText() || JsonDocument.Parse(r.Body).RootElement.GetProperty("id").GetString() == e.GetProperty("id").GetString()).Header("X-Event-ID"));
        }

        // In the delivery log, and sent again on request under the same id, with the same bytes.
        var eventId = events[0].GetProperty("id").GetString()!;
        var log = await KeyTestKit.EventuallyAsync(() => Stack.SendAsync(Role.Sandbox, HttpMethod.Get, "/api/v1/balance/webhooks?limit=100", key),
            a => a.Data.GetProperty("deliveries").EnumerateArray().Count(d => d.GetProperty("event").GetString() == "record.committed" && d.GetProperty("deliveryStatus").GetString() == "delivered") == 2,
            TimeSpan.FromSeconds(30), "two record.committed delivered");
        Assert.Contains(eventId, log.Data.GetProperty("deliveries").EnumerateArray().Select(d => d.GetProperty("eventId").GetString()));
        var retried = await Stack.SendAsync(Role.Sandbox, HttpMethod.Post, $"/api/v1/balance/webhooks/{eventId}/retry", key, "{}");
        Assert.Equal((HttpStatusCode.OK, 1), (retried.Status, retried.Data.GetProperty("queued").GetInt32()));
        var again = await records.WaitForAsync(2, TimeSpan.FromSeconds(30), r => r.Header("X-Event-ID") == eventId);
        Assert.Equal(again[0].Body, again[1].Body);
    }
}

public sealed class RecordLogScenariosOnSqlite(RecordStackOnSqlite fixture) : RecordLogScenarios(fixture), IClassFixture<RecordStackOnSqlite>;

[Collection(PostgresCollection.Name)]
public sealed class RecordLogScenariosOnPostgres(RecordStackOnPostgres fixture) : RecordLogScenarios(fixture), IClassFixture<RecordStackOnPostgres>;
