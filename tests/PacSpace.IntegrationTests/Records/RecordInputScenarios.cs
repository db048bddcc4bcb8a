using System.Net;
using System.Text;
using PacSpace.Cli;
using PacSpace.IntegrationTests.Infrastructure;
using PacSpace.Ledger;

namespace PacSpace.IntegrationTests.Records;

/// <summary>
/// Every kind of bad transition, on both stores: each is refused in the error envelope with the code of the rule it breaks
/// (its sentence as the message) and the field named, never a 500, and nothing is written (records, entries, the append
/// point and the time marks stay as they were).
/// </summary>
public abstract class RecordInputScenarios(RecordStack fixture)
{
    private const string Digest = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

    private TestStack Stack => fixture.Stack;

    private string KeyOf(string entityId) => RecordKey.Of(fixture.Tenant.TenantId, "sandbox", "machine-action-record", entityId);

    private static string Payloads(string item) => $"[{item}]";

    private static string Content(string members) => "{\"lifecycle\": \"recorded\", \"content\": {" + members + "}}";

    [Fact]
    public async Task BadTransitions_AreRefusedNamingFieldAndRule_NothingIsWritten()
    {
        const string open = "bad-open";
        Assert.Equal(HttpStatusCode.Created, (await Stack.TransitionAsync(fixture.Key, open, RecordKit.Body("recorded"))).Status);
        var openKey = KeyOf(open);
        var amends = (string key, long seq) => "\"amends\": {\"recordKey\": \"" + key + "\", \"seq\": " + seq + "}";
        var refs = (string items) => "\"references\": [" + items + "]";
        var many = (int n, string item) => "[" + string.Join(", ", Enumerable.Repeat(item, n)) + "]";
        var payload = $$"""{"alg": "sha-256", "digest": "{{Digest}}", "byteLength": "5"}""";
        var reference = $$"""{"recordKey": "{{openKey}}", "seq": 0}""";
        var cases = new (string Name, string Entity, string Body, HttpStatusCode Status, string Code, string Field)[]
        {
            ("amended first", "bad-new", RecordKit.Body("amended", extra: amends(KeyOf("bad-new"), 0)), HttpStatusCode.Conflict, "RECORD_GENESIS_MISMATCH", "lifecycle"),
            ("closed first", "bad-new", RecordKit.Body("closed"), HttpStatusCode.Conflict, "RECORD_GENESIS_MISMATCH", "lifecycle"),
            ("recorded twice", open, RecordKit.Body("recorded"), HttpStatusCode.Conflict, "RECORD_GENESIS_MISMATCH", "lifecycle"),
            ("amended without amends", open, RecordKit.Body("amended"), HttpStatusCode.BadRequest, "RECORD_AMENDS_MISMATCH", "content.amends"),
            ("recorded with amends", "bad-new", RecordKit.Body("recorded", extra: amends(KeyOf("bad-new"), 0)), HttpStatusCode.BadRequest, "RECORD_AMENDS_MISMATCH", "content.amends"),
            ("amends another record", open, RecordKit.Body("amended", extra: amends(KeyOf("bad-other"), 0)), HttpStatusCode.BadRequest, "RECORD_AMENDS_MISMATCH", "content.amends.recordKey"),
            ("amends an unknown entry", open, RecordKit.Body("amended", extra: amends(openKey, 5)), HttpStatusCode.NotFound, "RECORD_ENTRY_NOT_FOUND", "content.amends.seq"),
            ("references an unknown record", "bad-new", RecordKit.Body("recorded", extra: refs($$"""{"recordKey": "0x{{new string('a', 64)}}", "seq": 0}""")), HttpStatusCode.NotFound, "RECORD_ENTRY_NOT_FOUND", "content.references[0].recordKey"),
            ("references an unknown entry", "bad-new", RecordKit.Body("recorded", extra: refs(reference + $$""", {"recordKey": "{{openKey}}", "seq": 3}""")), HttpStatusCode.NotFound, "RECORD_ENTRY_NOT_FOUND", "content.references[1].seq"),
            ("references itself ahead", "bad-new", RecordKit.Body("recorded", extra: refs($$"""{"recordKey": "{{KeyOf("bad-new")}}", "seq": 0}""")), HttpStatusCode.NotFound, "RECORD_ENTRY_NOT_FOUND", "content.references[0].recordKey"),
            ("digest in upper case", "bad-new", RecordKit.Body("recorded", payloads: Payloads($$"""{"alg": "sha-256", "digest": "{{Digest.ToUpperInvariant()}}", "byteLength": "5"}""")), HttpStatusCode.BadRequest, "RECORD_PAYLOAD_INVALID", "content.payloads[0].digest"),
            ("digest too short", "bad-new", RecordKit.Body("recorded", payloads: Payloads($$"""{"alg": "sha-256", "digest": "{{Digest[1..]}}", "byteLength": "5"}""")), HttpStatusCode.BadRequest, "RECORD_PAYLOAD_INVALID", "content.payloads[0].digest"),
            ("digest with 0x", "bad-new", RecordKit.Body("recorded", payloads: Payloads($$"""{"alg": "sha-256", "digest": "0x{{Digest[2..]}}", "byteLength": "5"}""")), HttpStatusCode.BadRequest, "RECORD_PAYLOAD_INVALID", "content.payloads[0].digest"),
            ("another algorithm", "bad-new", RecordKit.Body("recorded", payloads: Payloads($$"""{"alg": "md5", "digest": "{{Digest}}", "byteLength": "5"}""")), HttpStatusCode.BadRequest, "RECORD_PAYLOAD_ALG_UNSUPPORTED", "content.payloads[0].alg"),
            ("negative length", "bad-new", RecordKit.Body("recorded", payloads: Payloads($$"""{"alg": "sha-256", "digest": "{{Digest}}", "byteLength": -1}""")), HttpStatusCode.BadRequest, "RECORD_PAYLOAD_INVALID", "content.payloads[0].byteLength"),
            ("fractional length", "bad-new", RecordKit.Body("recorded", payloads: Payloads($$"""{"alg": "sha-256", "digest": "{{Digest}}", "byteLength": 1.5}""")), HttpStatusCode.BadRequest, "RECORD_PAYLOAD_INVALID", "content.payloads[0].byteLength"),
            ("length text not digits", "bad-new", RecordKit.Body("recorded", payloads: Payloads($$"""{"alg": "sha-256", "digest": "{{Digest}}", "byteLength": "5 bytes"}""")), HttpStatusCode.BadRequest, "RECORD_PAYLOAD_INVALID", "content.payloads[0].byteLength"),
            ("length missing", "bad-new", RecordKit.Body("recorded", payloads: Payloads($$"""{"alg": "sha-256", "digest": "{{Digest}}"}""")), HttpStatusCode.BadRequest, "RECORD_PAYLOAD_INVALID", "content.payloads[0].byteLength"),
            ("unknown payload member", "bad-new", RecordKit.Body("recorded", payloads: Payloads($$"""{"alg": "sha-256", "digest": "{{Digest}}", "byteLength": "5", "name": "a.txt"}""")), HttpStatusCode.BadRequest, "RECORD_PAYLOAD_INVALID", "content.payloads[0].name"),
            ("payload not an object", "bad-new", RecordKit.Body("recorded", payloads: "[\"" + Digest + "\"]"), HttpStatusCode.BadRequest, "RECORD_PAYLOAD_INVALID", "content.payloads[0]"),
            ("101 payloads", "bad-new", RecordKit.Body("recorded", payloads: many(101, payload)), HttpStatusCode.BadRequest, "RECORD_LIMIT_EXCEEDED", "content.payloads"),
            ("101 references", "bad-new", RecordKit.Body("recorded", extra: "\"references\": " + many(101, reference)), HttpStatusCode.BadRequest, "RECORD_LIMIT_EXCEEDED", "content.references"),
            ("record key not the API's form", "bad-new", RecordKit.Body("recorded", extra: refs($$"""{"recordKey": "{{openKey.ToUpperInvariant()}}", "seq": 0}""")), HttpStatusCode.BadRequest, "RECORD_REFERENCE_INVALID", "content.references[0].recordKey"),
            ("negative seq", open, RecordKit.Body("amended", extra: amends(openKey, -1)), HttpStatusCode.BadRequest, "RECORD_REFERENCE_INVALID", "content.amends.seq"),
            ("seq as text", open, RecordKit.Body("amended", extra: "\"amends\": {\"recordKey\": \"" + openKey + "\", \"seq\": \"0\"}"), HttpStatusCode.BadRequest, "RECORD_REFERENCE_INVALID", "content.amends.seq"),
            ("entry given as entry", open, RecordKit.Body("amended", extra: "\"amends\": {\"recordKey\": \"" + openKey + "\", \"entry\": 1}"), HttpStatusCode.BadRequest, "RECORD_REFERENCE_INVALID", "content.amends.entry"),
            ("unknown lifecycle", "bad-new", RecordKit.Body("opened"), HttpStatusCode.BadRequest, "VALIDATION_ERROR", "lifecycle"),
            ("lifecycle in capitals", "bad-new", RecordKit.Body("RECORDED"), HttpStatusCode.BadRequest, "VALIDATION_ERROR", "lifecycle"),
            ("lifecycle missing", "bad-new", """{"content": {"title": "t", "occurredAt": "2026-10-01T12:00:00Z", "actorId": "a", "payloads": []}}""", HttpStatusCode.BadRequest, "VALIDATION_ERROR", "lifecycle"),
            ("lifecycle a number", "bad-new", """{"lifecycle": 1, "content": {"title": "t", "occurredAt": "2026-10-01T12:00:00Z", "actorId": "a", "payloads": []}}""", HttpStatusCode.BadRequest, "VALIDATION_ERROR", "lifecycle"),
            ("content missing", "bad-new", """{"lifecycle": "recorded"}""", HttpStatusCode.BadRequest, "VALIDATION_ERROR", "content"),
            ("content a string", "bad-new", """{"lifecycle": "recorded", "content": "deployed"}""", HttpStatusCode.BadRequest, "VALIDATION_ERROR", "content"),
            ("title a number", "bad-new", Content("""  "title": 5, "occurredAt": "2026-10-01T12:00:00Z", "actorId": "a", "payloads": [] """), HttpStatusCode.BadRequest, "VALIDATION_ERROR", "content.title"),
            ("title missing", "bad-new", Content(""" "occurredAt": "2026-10-01T12:00:00Z", "actorId": "a", "payloads": [] """), HttpStatusCode.BadRequest, "VALIDATION_ERROR", "content.title"),
            ("title with a control character", "bad-new", Content(""" "title": "a\u0007b", "occurredAt": "2026-10-01T12:00:00Z", "actorId": "a", "payloads": [] """), HttpStatusCode.BadRequest, "VALIDATION_ERROR", "content.title"),
            ("title too long", "bad-new", Content($$""" "title": "{{new string('t', 501)}}", "occurredAt": "2026-10-01T12:00:00Z", "actorId": "a", "payloads": [] """), HttpStatusCode.BadRequest, "VALIDATION_ERROR", "content.title"),
            ("actor missing", "bad-new", Content(""" "title": "t", "occurredAt": "2026-10-01T12:00:00Z", "payloads": [] """), HttpStatusCode.BadRequest, "VALIDATION_ERROR", "content.actorId"),
            ("occurredAt not a time", "bad-new", Content(""" "title": "t", "occurredAt": "yesterday", "actorId": "a", "payloads": [] """), HttpStatusCode.BadRequest, "VALIDATION_ERROR", "content.occurredAt"),
            ("occurredAt not on the calendar", "bad-new", Content(""" "title": "t", "occurredAt": "2026-02-30T10:00:00Z", "actorId": "a", "payloads": [] """), HttpStatusCode.BadRequest, "VALIDATION_ERROR", "content.occurredAt"),
            ("payloads missing", "bad-new", Content(""" "title": "t", "occurredAt": "2026-10-01T12:00:00Z", "actorId": "a" """), HttpStatusCode.BadRequest, "VALIDATION_ERROR", "content.payloads"),
            ("payloads an object", "bad-new", Content(""" "title": "t", "occurredAt": "2026-10-01T12:00:00Z", "actorId": "a", "payloads": {} """), HttpStatusCode.BadRequest, "VALIDATION_ERROR", "content.payloads"),
            ("references an object", "bad-new", RecordKit.Body("recorded", extra: "\"references\": " + reference), HttpStatusCode.BadRequest, "VALIDATION_ERROR", "content.references"),
            ("note a list", "bad-new", RecordKit.Body("recorded", extra: "\"note\": [\"a\"]"), HttpStatusCode.BadRequest, "VALIDATION_ERROR", "content.note"),
            ("referenceId a number", "bad-new", RecordKit.Body("recorded")[..^1] + ", \"referenceId\": 5}", HttpStatusCode.BadRequest, "VALIDATION_ERROR", "referenceId"),
            ("malformed JSON", "bad-new", """{"lifecycle": "recorded", "content": {""", HttpStatusCode.BadRequest, "VALIDATION_ERROR", "body"),
            ("a field twice", "bad-new", """{"lifecycle": "recorded", "lifecycle": "closed", "content": {}}""", HttpStatusCode.BadRequest, "VALIDATION_ERROR", "lifecycle"),
            ("an array", "bad-new", "[]", HttpStatusCode.BadRequest, "VALIDATION_ERROR", "body"),
            ("a lone surrogate", "bad-new", RecordKit.Body("recorded", "a\\ud800b"), HttpStatusCode.BadRequest, "VALIDATION_ERROR", "content.title"),
        };

        var before = await Stack.FootprintAsync();
        var failures = new List<string>();
        foreach (var c in cases)
        {
            var answer = await Stack.TransitionAsync(fixture.Key, c.Entity, c.Body);
            if (answer.Status != c.Status || answer.Code != c.Code || !answer.DetailFields.Contains(c.Field))
            {
                failures.Add($"{c.Name}: expected {(int)c.Status} {c.Code} naming {c.Field}, got {answer}");
            }
            else if (c.Code.StartsWith("RECORD_", StringComparison.Ordinal)
                && answer.Body.GetProperty("error").GetProperty("message").GetString() is not { Length: > 20 } sentence)
            {
                failures.Add($"{c.Name}: no sentence in {answer}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));

        // Bodies that are not JSON or too large, headers and paths that are malformed.
        var path = RecordKit.PathOf("machine-action-record", "bad-new") + "/transitions";
        var text = await Stack.SendAsync(Role.Sandbox, HttpMethod.Post, path, fixture.Key, RecordKit.Body("recorded"), contentType: "text/plain");
        Assert.Equal((HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE"), (text.Status, text.Code));
        // Expect: 100-continue, so the refusal comes before the body is sent (else the server's close can break the client's send).
        var huge = await Stack.TransitionAsync(fixture.Key, "bad-new", RecordKit.Body("recorded", extra: $"\"note\": \"{new string('n', 1_100_000)}\""),
            headers: new Dictionary<string, string> { ["Expect"] = "100-continue" });
        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE"), (huge.Status, huge.Code));
        var longNote = await Stack.TransitionAsync(fixture.Key, "bad-new", RecordKit.Body("recorded", extra: $"\"note\": \"{new string('n', 4001)}\""));
        Assert.Equal((HttpStatusCode.BadRequest, "content.note"), (longNote.Status, longNote.DetailFields.Single()));
        var badKey = await Stack.TransitionAsync(fixture.Key, "bad-new", RecordKit.Body("recorded"), headers: new Dictionary<string, string> { ["Idempotency-Key"] = "has space" });
        Assert.Equal((HttpStatusCode.BadRequest, "Idempotency-Key"), (badKey.Status, badKey.DetailFields.Single()));
        var control = await Stack.SendAsync(Role.Sandbox, HttpMethod.Post, "/api/v1/records/machine-action-record/bad%07new/transitions", fixture.Key, RecordKit.Body("recorded"));
        Assert.Equal((HttpStatusCode.BadRequest, "entityId"), (control.Status, control.DetailFields.Single()));
        var longType = await Stack.TransitionAsync(fixture.Key, "bad-new", RecordKit.Body("recorded"), recordType: new string('r', 101));
        Assert.Equal((HttpStatusCode.BadRequest, "recordType"), (longType.Status, longType.DetailFields.Single()));
        foreach (var seq in new[] { "x", "-1", "1.0", "99999999999999999999" })
        {
            var bad = await Stack.SendAsync(Role.Sandbox, HttpMethod.Get, RecordKit.PathOf("machine-action-record", open) + "/receipts/" + seq, fixture.Key);
            Assert.Equal((HttpStatusCode.BadRequest, "seq"), (bad.Status, bad.DetailFields.Single()));
        }

        Assert.Equal(HttpStatusCode.NotFound, (await Stack.RecordReceiptAsync(fixture.Key, open, 1)).Status);
        Assert.Equal(before, await Stack.FootprintAsync());

        // What the rules accept: byteLength as an integer or its digits, null optional members left out of what is hashed.
        var accepted = await Stack.TransitionAsync(fixture.Key, "bad-fine", RecordKit.Body("recorded",
            payloads: Payloads($$"""{"alg": "sha-256", "digest": "{{Digest}}", "byteLength": 5}"""), extra: "\"kind\": null, \"unknownMember\": {\"x\": 1}"));
        Assert.Equal(HttpStatusCode.Created, accepted.Status);
        var receipt = await Stack.RecordReceiptAsync(fixture.Key, "bad-fine", 0);
        var content = receipt.Data.GetProperty("recordContent");
        Assert.False(content.TryGetProperty("kind", out _));
        Assert.False(content.TryGetProperty("unknownMember", out _));
        Assert.Equal(5, content.GetProperty("payloads")[0].GetProperty("byteLength").GetInt64());
        Assert.Equal(receipt.Data.GetProperty("contentHash").GetString(),
            Hex.Encode(RecordContent.Parse(Encoding.UTF8.GetBytes(receipt.Data.GetProperty("sealedRecord").GetRawText())).ContentHash()));
    }
}

public sealed class RecordInputScenariosOnSqlite(RecordStackOnSqlite fixture) : RecordInputScenarios(fixture), IClassFixture<RecordStackOnSqlite>;

[Collection(PostgresCollection.Name)]
public sealed class RecordInputScenariosOnPostgres(RecordStackOnPostgres fixture) : RecordInputScenarios(fixture), IClassFixture<RecordStackOnPostgres>;
