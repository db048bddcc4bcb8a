using System.Text.Json;
using PacSpace.Sdk.Records;

namespace PacSpace.Sdk.Tests;

/// <summary>
/// <see cref="RecordsClient.Check"/> against hand-built history bundles, with the official client's records.check verdicts
/// (its RecordsFlowsTest): entry numbers from 1, expectations met by the committed recordContent.payloads (or the sealed
/// record's), failed entries and histories without a committed entry failing the schema check.
/// </summary>
public sealed class RecordsCheckTests
{
    private static readonly PayloadReference Hello = RecordsClient.Fingerprint("hello"u8);

    private static RecordHistory Parse(string json) => JsonSerializer.Deserialize<RecordHistory>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;

    private const string Committed =
        """
        {"schema":"record-history-bundle/v1","recordKey":"0xab","recordType":"machine-action-record","entityId":"build-1",
         "entries":[],"pendingEntries":[{"seq":1,"status":"queued","receiptId":"rcp_b"}],
         "receipts":[{"seq":0,"receiptId":"rcp_a","recordContent":{"payloads":[{"alg":"sha-256","digest":"2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E73043362938B9824","byteLength":"5"}]},"sealedRecord":null}]}
        """;

    [Fact]
    public void Fingerprint_Hello_IsTheContractVector() =>
        Assert.Equal(new PayloadReference("sha-256", "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", "5"), Hello);

    [Fact]
    public async Task FingerprintAsync_Stream_MatchesBytes()
    {
        using var stream = new MemoryStream("hello"u8.ToArray());
        Assert.Equal(Hello, await RecordsClient.FingerprintAsync(stream));
    }

    [Fact]
    public void Check_ReceiptsAndPending_ReportsEntryOneForSeqZero_ExpectedWhenTheFingerprintIsCommitted()
    {
        var check = RecordsClient.Check(Parse(Committed), [new RecordExpectation(1, [Hello])]);
        Assert.True(check.Ok);
        Assert.Null(check.FailedCheck);
        Assert.False(check.SourceChecked);
        Assert.Equal([(1L, "committed", (bool?)true), (2L, "queued", null)], check.Entries.Select(e => (e.Entry, e.Status, e.Expected)));
    }

    [Fact]
    public void Check_ExpectationNotCommitted_FailsTheSemanticCheck()
    {
        var other = new PayloadReference("sha-256", new string('0', 64), "5");
        var check = RecordsClient.Check(Parse(Committed), [new RecordExpectation(1, [other])]);
        Assert.Equal((false, "semantic"), (check.Ok, check.FailedCheck));
        Assert.False(check.Entries[0].Expected);
        // Expected of an entry that is only queued: not committed either.
        Assert.Equal("semantic", RecordsClient.Check(Parse(Committed), [new RecordExpectation(2, [Hello])]).FailedCheck);
    }

    [Fact]
    public void Check_FailedEntry_FailsTheSchemaCheckWithItsSentence()
    {
        var history = Parse("""
            {"schema":"record-history-bundle/v1","recordKey":"0xab","recordType":"t","entityId":"e","receipts":[],"pendingEntries":[],
             "entries":[{"seq":0,"status":"failed","code":"RECORD_GENESIS_MISMATCH","sentence":"A record opens with recorded; amended and closed come after it."}]}
            """);
        var check = RecordsClient.Check(history);
        Assert.Equal((false, "schema", "A record opens with recorded; amended and closed come after it."), (check.Ok, check.FailedCheck, check.Reason));
        Assert.Equal(("failed", "RECORD_GENESIS_MISMATCH"), (check.Entries[0].Status, check.Entries[0].Code));
    }

    [Fact]
    public void Check_NothingCommitted_FailsTheSchemaCheck()
    {
        var history = Parse("""{"schema":"record-history-bundle/v1","recordKey":"0xab","recordType":"t","entityId":"e","receipts":[],"entries":[],"pendingEntries":[{"seq":0,"status":"queued"}]}""");
        Assert.Equal(("schema", "No committed entries."), (RecordsClient.Check(history).FailedCheck, RecordsClient.Check(history).Reason));
    }

    [Fact]
    public void Check_SealedRecordContent_IsTheFallbackForPayloads()
    {
        var history = Parse("""
            {"schema":"record-history-bundle/v1","recordKey":"0xab","recordType":"t","entityId":"e","entries":[{"seq":0,"status":"committed"}],"pendingEntries":[],
             "receipts":[{"seq":0,"sealedRecord":{"content":{"payloads":[{"alg":"sha-256","digest":"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824","byteLength":5}]}}}]}
            """);
        Assert.True(RecordsClient.Check(history, [new RecordExpectation(1, [Hello])]).Ok);
    }
}
