using System.Net;
using System.Text;
using System.Text.Json;
using PacSpace.Cli;
using PacSpace.IntegrationTests.Infrastructure;
using PacSpace.Ledger;

namespace PacSpace.IntegrationTests.Balance;

/// <summary>
/// A Sandbox plane database written by an earlier version (Fixtures/plane-0006.*: plane schema up to migration 0006)
/// opens with this code, its pending migrations applied at start-up: every delta, receipt, checkpoint and the signed
/// head still verify (its corrections as content version 1), the deltas it left QUEUED are appended, the log grows
/// consistently from its last signed head, its deltas can be adjusted as content version 2, and retries of its
/// requests replay (its corrections with their version 1 hash). Checked over HTTP only, with the key and figures of
/// the fixture's manifest.
/// </summary>
public abstract class MigrationScenarios(Store store, PostgresServer? postgres)
{
    [Fact]
    public async Task Open_Schema0006Fixture_EveryDeltaReceiptCheckpointAndBalanceStillVerifies()
    {
        await using var plane = await PlaneFixture.OpenAsync(store, postgres);
        var (stack, m) = (plane.Stack, plane.Manifest);
        var publicKey = await PinnedLogKeyAsync(stack, m);

        // Queued ones are appended after start-up; the others keep their place in the log.
        foreach (var d in m.Deltas)
        {
            var status = (await stack.VerifiedAsync(Role.Sandbox, m.ApiKey, d.RecordId)).Data;
            Assert.Equal(d.ReceiptId, status.GetProperty("receiptId").GetString());
            Assert.Equal(d.ContentHash, status.GetProperty("contentHash").GetString());
            Assert.Equal(d.Canonical, Encoding.UTF8.GetString(Jcs.Canonicalize(status.GetProperty("content"))));
            // Stored before content version 2: version 1, corrections included (their hash does not cover their adjusts).
            Assert.Equal(1, status.GetProperty("contentVersion").GetInt32());
            Assert.False(status.GetProperty("content").TryGetProperty("adjusts", out _), d.RecordId);
            var proof = status.GetProperty("proof");
            if (d.Status == "VERIFIED")
            {
                Assert.Equal(d.LogIndex, proof.GetProperty("logIndex").GetInt64());
                Assert.Equal(d.CustomerSeq, proof.GetProperty("customerSeq").GetInt64());
                Assert.Equal(d.BalanceAfter, proof.GetProperty("balanceAfter").GetInt64());
            }
            else
            {
                Assert.InRange(proof.GetProperty("logIndex").GetInt64(), m.Log.TreeSize, m.Deltas.Count - 1);
            }

            await AssertReceiptVerifiesAsync(stack, m, d.ReceiptId, d.ContentHash, d.Canonical, publicKey);
        }

        Assert.Equal(m.Deltas.Where(d => d.Status == "QUEUED").Select(d => d.RecordId).Order(StringComparer.Ordinal), m.QueuedRecordIds.Order(StringComparer.Ordinal));
        foreach (var c in m.Customers)
        {
            var detail = (await GetAsync(stack, m, "/api/v1/balance/customers/" + Uri.EscapeDataString(c.CustomerId))).Data;
            Assert.Equal(c.Balance + c.QueuedAmount, detail.GetProperty("computedBalance").GetInt64());
            Assert.Equal(c.DeltaCount, detail.GetProperty("totalDeltas").GetInt64());
            Assert.Equal(0, detail.GetProperty("pendingDeltas").GetInt64());
            foreach (var p in c.Periods)
            {
                var derived = (await GetAsync(stack, m, $"/api/v1/balance/derive/{Uri.EscapeDataString(c.CustomerId)}?period={p.Period}")).Data;
                Assert.True(p.NetChange == derived.GetProperty("computedBalance").GetInt64() && p.DeltasCount == derived.GetProperty("deltasCount").GetInt64(),
                    $"{c.CustomerId} in {p.Period}: expected {p.NetChange} over {p.DeltasCount} deltas, derived {derived}");
            }
        }

        var listed = (await GetAsync(stack, m, "/api/v1/balance/checkpoints?limit=100")).Data.GetProperty("checkpoints").EnumerateArray()
            .ToDictionary(c => c.GetProperty("checkpointId").GetString()!, StringComparer.Ordinal);
        foreach (var cp in m.Checkpoints)
        {
            Assert.True(listed.TryGetValue(cp.CheckpointId, out var l), $"{cp.CheckpointId} is not listed");
            Assert.Equal(cp.ProofRoot, l.GetProperty("proofRoot").GetString());
            Assert.Equal(cp.Period, l.GetProperty("period").GetString());
            Assert.Equal((cp.FromSize, cp.ToSize), (l.GetProperty("fromSize").GetInt64(), l.GetProperty("toSize").GetInt64()));
            Assert.Equal(cp.BalancesRoot, l.GetProperty("balancesRoot").GetString());
            Assert.Equal(cp.Note, l.GetProperty("checkpoint").GetString());
            Assert.Equal(cp.Signature, l.GetProperty("signature").GetString());
            await AssertCheckpointVerifiesAsync(stack, m, cp, publicKey);
        }

        // Asking again for a closed month answers the stored checkpoint, not a new one.
        var again = await stack.SendAsync(Role.Sandbox, HttpMethod.Post, "/api/v1/balance/checkpoint", m.ApiKey,
            JsonSerializer.Serialize(new { period = m.Checkpoints[0].Period }));
        Assert.True(again.Status == HttpStatusCode.OK, again.ToString());
        Assert.Equal(m.Checkpoints[0].CheckpointId, again.Data.GetProperty("checkpointId").GetString());

        // The customer's receipt is answered as it was, and its closing balance is still a leaf of the signed balances root.
        var r = m.Receipt;
        var receipt = (await GetAsync(stack, m, $"/api/v1/balance/receipt/{Uri.EscapeDataString(r.CustomerId)}?period={r.Period}")).Data;
        Assert.Equal(r.CheckpointId, receipt.GetProperty("checkpointId").GetString());
        Assert.Equal(r.ProofRoot, receipt.GetProperty("proofRoot").GetString());
        Assert.Equal((r.OpeningBalance, r.ClosingBalance, r.DeltaCount, r.NetChange),
            (receipt.GetProperty("openingBalance").GetInt64(), receipt.GetProperty("closingBalance").GetInt64(),
                receipt.GetProperty("deltaCount").GetInt64(), receipt.GetProperty("netChange").GetInt64()));
        Assert.Equal(r.LatestReceiptId, receipt.GetProperty("latestReceiptId").GetString());
        Assert.Equal(r.DeltaRecordIds, receipt.GetProperty("deltas").EnumerateArray().Select(d => d.GetProperty("recordId").GetString()!));
        var balanceProof = receipt.GetProperty("balanceProof");
        Assert.Equal(r.BalanceLeaf, balanceProof.GetProperty("leaf").GetString());
        var balancesRoot = m.Checkpoints.Single(c => c.CheckpointId == r.CheckpointId).BalancesRoot;
        Assert.True(MerkleTree.VerifyInclusion(balanceProof.GetProperty("leafIndex").GetInt64(), balanceProof.GetProperty("leafCount").GetInt64(),
            MerkleTree.HashLeaf(Convert.FromHexString(r.BalanceLeaf)), Hashes(balanceProof.GetProperty("proof")), Convert.FromHexString(balancesRoot)));
    }

    [Fact]
    public async Task Append_AfterUpgrade_NewDeltaVerifiesAndNewHeadIsConsistentWithFixtureHead()
    {
        await using var plane = await PlaneFixture.OpenAsync(store, postgres);
        var (stack, m) = (plane.Stack, plane.Manifest);
        var publicKey = await PinnedLogKeyAsync(stack, m);
        foreach (var id in m.QueuedRecordIds)
        {
            await stack.VerifiedAsync(Role.Sandbox, m.ApiKey, id);
        }

        const string customer = "acme/eu";
        var emitted = await stack.EmitAsync(Role.Sandbox, m.ApiKey, """{"customerId": "acme/eu", "delta": -4, "reason": "after the upgrade", "metadata": {"note": "nach dem Upgrade ✓"}}""");
        Assert.True(emitted.Status == HttpStatusCode.Created, emitted.ToString());
        using var metadata = JsonDocument.Parse("""{"note": "nach dem Upgrade ✓"}""");
        var content = new DeltaContent(m.TenantId, m.Environment, customer, -4, "after the upgrade", null, metadata.RootElement);
        var contentHash = Hex.Encode(content.ContentHash());
        Assert.Equal(contentHash, emitted.Data.GetProperty("contentHash").GetString());
        var status = (await stack.VerifiedAsync(Role.Sandbox, m.ApiKey, emitted.Data.GetProperty("recordId").GetString()!)).Data;
        Assert.Equal(m.Deltas.Count, status.GetProperty("proof").GetProperty("logIndex").GetInt64());
        var fixtureCustomer = m.Customers.Single(c => c.CustomerId == customer);
        Assert.Equal(fixtureCustomer.Balance + fixtureCustomer.QueuedAmount - 4, status.GetProperty("proof").GetProperty("balanceAfter").GetInt64());
        Assert.Equal(fixtureCustomer.DeltaCount + 1, status.GetProperty("proof").GetProperty("customerSeq").GetInt64());
        await AssertReceiptVerifiesAsync(stack, m, emitted.Data.GetProperty("receiptId").GetString()!, contentHash,
            Encoding.UTF8.GetString(content.Canonical()), publicKey);

        // This month's checkpoint starts where the fixture's signed head ended (every fixture delta was recorded in an
        // earlier month), so its consistency proof links the old head to the new tree.
        var checkpoint = await stack.SendAsync(Role.Sandbox, HttpMethod.Post, "/api/v1/balance/checkpoint", m.ApiKey, "{}");
        Assert.True(checkpoint.Status == HttpStatusCode.Created, checkpoint.ToString());
        var c = checkpoint.Data;
        var consistency = c.GetProperty("consistencyFromPrevious");
        Assert.Equal(m.Log.TreeSize, c.GetProperty("fromSize").GetInt64());
        Assert.Equal(m.Deltas.Count + 1, c.GetProperty("toSize").GetInt64());
        Assert.Equal(m.Log.RootHash, consistency.GetProperty("prevRoot").GetString());
        Assert.True(SignedNote.Verify(c.GetProperty("checkpoint").GetString()!, m.Log.KeyName, publicKey, out var body));
        Assert.True(Checkpoint.TryParse(body, out var newHead));
        Assert.Equal(c.GetProperty("proofRoot").GetString(), Hex.Encode(newHead!.RootHash));
        Assert.True(MerkleTree.VerifyConsistency(m.Log.TreeSize, newHead.Size, Convert.FromHexString(m.Log.RootHash), newHead.RootHash,
            Hashes(consistency.GetProperty("proof"))), "the new tree does not extend the fixture's signed head");

        // The plane's latest signed head is that tree, signed with the fixture's key; the fixture's head still verifies with it.
        var keys = (await stack.SendAsync(Role.Sandbox, HttpMethod.Get, "/api/v1/verify/keys/" + m.Log.Origin, key: null)).Data;
        Assert.True(SignedNote.Verify(keys.GetProperty("checkpoint").GetString()!, m.Log.KeyName, publicKey, out var latestBody));
        Assert.True(Checkpoint.TryParse(latestBody, out var latest));
        Assert.Equal((newHead.Size, Hex.Encode(newHead.RootHash)), (latest!.Size, Hex.Encode(latest.RootHash)));
        Assert.True(SignedNote.Verify(m.Log.Checkpoint, m.Log.KeyName, publicKey, out var oldBody));
        Assert.True(Checkpoint.TryParse(oldBody, out var oldHead));
        Assert.Equal((m.Log.TreeSize, m.Log.RootHash), (oldHead!.Size, Hex.Encode(oldHead.RootHash)));
    }

    [Fact]
    public async Task Adjust_AfterUpgrade_MigratedDeltasOfTheSameCustomerOnly_AsVersion2ThatVerifies()
    {
        await using var plane = await PlaneFixture.OpenAsync(store, postgres);
        var (stack, m) = (plane.Stack, plane.Manifest);
        var publicKey = await PinnedLogKeyAsync(stack, m);
        var corrections = m.Deltas.Where(d => d.Adjusts is not null).ToList();
        Assert.Equal(2, corrections.Count);
        Assert.Contains(corrections, d => d.Adjusts!.Contains("recordId", StringComparison.Ordinal));
        Assert.Contains(corrections, d => d.Adjusts!.Contains("referenceId", StringComparison.Ordinal));
        var used = (await GetAsync(stack, m, "/api/v1/balance/usage")).Data.GetProperty("used").GetInt64();

        foreach (var (c, i) in corrections.Select((c, i) => (c, i)))
        {
            // The migrated corrections still verify as version 1 (Open_… checks every delta); the deltas they adjust,
            // by a record id handed out before ids were derived from the place or by referenceId, can be adjusted again.
            using var adjusts = JsonDocument.Parse(c.Adjusts!);
            var body = JsonSerializer.Serialize(new { customerId = c.CustomerId, delta = -1, reason = "after the upgrade", adjusts = adjusts.RootElement });
            var emitted = await stack.EmitAsync(Role.Sandbox, m.ApiKey, body);
            Assert.True(emitted.Status == HttpStatusCode.Created, $"{c.Adjusts}: {emitted}");
            DeltaAdjusts.TryRead(adjusts.RootElement, out var sent);
            var content = new DeltaContent(m.TenantId, m.Environment, c.CustomerId, -1, "after the upgrade", null, null) { Adjusts = sent };
            var contentHash = Hex.Encode(content.ContentHash());
            Assert.Equal(contentHash, emitted.Data.GetProperty("contentHash").GetString());
            var status = (await stack.VerifiedAsync(Role.Sandbox, m.ApiKey, emitted.Data.GetProperty("recordId").GetString()!)).Data;
            Assert.Equal(2, status.GetProperty("contentVersion").GetInt32());
            await AssertReceiptVerifiesAsync(stack, m, emitted.Data.GetProperty("receiptId").GetString()!, contentHash, Encoding.UTF8.GetString(content.Canonical()), publicKey);

            // The same ids for another customer of the log name nothing.
            var other = m.Customers.First(x => x.CustomerId != c.CustomerId).CustomerId;
            var refused = await stack.EmitAsync(Role.Sandbox, m.ApiKey,
                JsonSerializer.Serialize(new { customerId = other, delta = -1, reason = "after the upgrade", adjusts = adjusts.RootElement }));
            Assert.Equal((HttpStatusCode.NotFound, "NOT_FOUND"), (refused.Status, refused.Code));
            Assert.Equal(["adjusts." + sent!.Field], refused.DetailFields);
            Assert.Equal(used + i + 1, (await GetAsync(stack, m, "/api/v1/balance/usage")).Data.GetProperty("used").GetInt64());
        }
    }

    [Fact]
    public async Task Retry_FixtureIdempotencyKeysAndReferenceIds_ReplayTheOriginalRecords()
    {
        await using var plane = await PlaneFixture.OpenAsync(store, postgres);
        var (stack, m) = (plane.Stack, plane.Manifest);
        var singles = m.Deltas.Where(d => d.BatchIndex is null && (d.IdempotencyKey is not null || d.ReferenceId is not null)).ToList();
        Assert.Contains(singles, d => d.IdempotencyKey is not null && d.Status == "QUEUED");
        Assert.Contains(singles, d => d.IdempotencyKey is null && d.Status == "VERIFIED");

        foreach (var d in singles)
        {
            var replay = await stack.EmitAsync(Role.Sandbox, m.ApiKey, d.Request, d.IdempotencyKey);
            Assert.True(replay.Status == HttpStatusCode.Created, $"{d.RecordId}: {replay}");
            Assert.Equal(d.RecordId, replay.Data.GetProperty("recordId").GetString());
            Assert.Equal(d.ReceiptId, replay.Data.GetProperty("receiptId").GetString());
            Assert.Equal(d.ContentHash, replay.Data.GetProperty("contentHash").GetString());
        }

        var batch = await stack.SendAsync(Role.Sandbox, HttpMethod.Post, "/api/v1/balance/delta/batch", m.ApiKey, m.Batch.Request,
            new Dictionary<string, string> { ["Idempotency-Key"] = m.Batch.IdempotencyKey });
        Assert.True(batch.Status == HttpStatusCode.Created, batch.ToString());
        var results = batch.Data.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(m.Batch.RecordIds, results.Select(r => r.GetProperty("recordId").GetString()!));
        Assert.All(results, r => Assert.True(r.GetProperty("idempotent").GetBoolean()));

        // Another body under an old referenceId or Idempotency-Key is refused and names the original record.
        var referenced = singles.First(d => d.ReferenceId is not null && d.IdempotencyKey is null);
        var otherBody = await stack.EmitAsync(Role.Sandbox, m.ApiKey,
            JsonSerializer.Serialize(new { customerId = referenced.CustomerId, delta = referenced.Amount + 1, reason = "other", referenceId = referenced.ReferenceId }));
        Assert.Equal(HttpStatusCode.Conflict, otherBody.Status);
        Assert.Equal(["referenceId"], otherBody.DetailFields);
        Assert.Contains(referenced.RecordId, otherBody.Raw, StringComparison.Ordinal);
        var keyed = singles.First(d => d.IdempotencyKey is not null);
        var otherKeyed = await stack.EmitAsync(Role.Sandbox, m.ApiKey, """{"customerId": "someone", "delta": 1, "reason": "other"}""", keyed.IdempotencyKey);
        Assert.Equal(HttpStatusCode.Conflict, otherKeyed.Status);
        Assert.Equal("IDEMPOTENCY_KEY_REUSED", otherKeyed.Code);

        // Nothing was added by any of it.
        Assert.Equal(m.Deltas.Count, (await GetAsync(stack, m, "/api/v1/balance/usage")).Data.GetProperty("used").GetInt64());
    }

    /// <summary>The log key the fixture recorded, after checking the plane still publishes it for the fixture's origin.</summary>
    private static async Task<byte[]> PinnedLogKeyAsync(TestStack stack, PlaneFixtureManifest m)
    {
        var keys = await stack.SendAsync(Role.Sandbox, HttpMethod.Get, "/api/v1/verify/keys/" + m.Log.Origin, key: null);
        Assert.True(keys.Status == HttpStatusCode.OK, keys.ToString());
        Assert.Equal(m.Log.Origin, keys.Data.GetProperty("origin").GetString());
        Assert.Equal(m.Log.KeyName, keys.Data.GetProperty("keyName").GetString());
        Assert.Equal(m.Log.PublicKey, keys.Data.GetProperty("publicKey").GetString());
        Assert.Equal(m.Log.VerifierKey, keys.Data.GetProperty("verifierKey").GetString());
        return Convert.FromBase64String(m.Log.PublicKey);
    }

    /// <summary>The public receipt route says VERIFIED, and the receipt checks offline against the canonical delta and the pinned key.</summary>
    private static async Task AssertReceiptVerifiesAsync(TestStack stack, PlaneFixtureManifest m, string receiptId, string contentHash, string canonical, byte[] publicKey)
    {
        var answer = await stack.SendAsync(Role.Sandbox, HttpMethod.Get, "/api/v1/verify/receipt/" + receiptId, key: null);
        Assert.True(answer.Status == HttpStatusCode.OK, $"{receiptId}: {answer}");
        Assert.True(answer.Data.GetProperty("verified").GetBoolean(), $"{receiptId}: {answer}");
        Assert.Equal("VERIFIED", answer.Data.GetProperty("status").GetString());
        Assert.Equal(contentHash, answer.Data.GetProperty("contentHash").GetString());
        Assert.Equal(m.Log.Origin, answer.Data.GetProperty("origin").GetString());
        var steps = ReceiptVerifier.Verify(Encoding.UTF8.GetBytes(canonical), Receipt.Parse(Encoding.UTF8.GetBytes(answer.Raw)), publicKey);
        Assert.True(ReceiptVerifier.Passed(steps), $"{receiptId}: " + string.Join("; ", steps.Select(s => $"{s.Name} {(s.Passed ? "ok" : "FAILED")}: {s.Detail}")));
    }

    /// <summary>The public proof-root route verifies the checkpoint, and so do its note, statement and consistency proof offline.</summary>
    private static async Task AssertCheckpointVerifiesAsync(TestStack stack, PlaneFixtureManifest m, FixtureCheckpoint cp, byte[] publicKey)
    {
        var answer = await stack.SendAsync(Role.Sandbox, HttpMethod.Get, "/api/v1/verify/" + cp.ProofRoot, key: null);
        Assert.True(answer.Status == HttpStatusCode.OK, $"{cp.CheckpointId}: {answer}");
        var v = answer.Data;
        Assert.True(v.GetProperty("verified").GetBoolean(), $"{cp.CheckpointId}: {answer}");
        Assert.Equal(cp.Note, v.GetProperty("checkpoint").GetString());
        Assert.Equal(cp.Period, v.GetProperty("period").GetString());
        Assert.Equal(m.Log.PublicKey, v.GetProperty("publicKey").GetString());

        Assert.True(SignedNote.Verify(cp.Note, m.Log.KeyName, publicKey, out var body));
        Assert.True(Checkpoint.TryParse(body, out var head));
        Assert.Equal((m.Log.Origin, cp.ToSize, cp.ProofRoot), (head!.Origin, head.Size, Hex.Encode(head.RootHash)));
        var statement = v.GetProperty("periodStatement");
        Assert.True(PeriodStatement.Verify(statement, Convert.FromBase64String(cp.Signature), publicKey));
        Assert.Equal(cp.BalancesRoot, statement.GetProperty("balancesRoot").GetString());
        var consistency = v.GetProperty("consistencyFromPrevious");
        Assert.Equal(cp.PrevRoot, consistency.GetProperty("prevRoot").GetString());
        if (cp.FromSize > 0)
        {
            Assert.True(MerkleTree.VerifyConsistency(cp.FromSize, cp.ToSize, Convert.FromHexString(cp.PrevRoot), head.RootHash, Hashes(consistency.GetProperty("proof"))),
                $"{cp.CheckpointId}: consistency proof {cp.FromSize} → {cp.ToSize} fails");
        }
    }

    private static async Task<Answer> GetAsync(TestStack stack, PlaneFixtureManifest m, string path)
    {
        var answer = await stack.SendAsync(Role.Sandbox, HttpMethod.Get, path, m.ApiKey);
        Assert.True(answer.Status == HttpStatusCode.OK, $"GET {path}: {answer}");
        return answer;
    }

    private static List<byte[]> Hashes(JsonElement array) => array.EnumerateArray().Select(h => Convert.FromHexString(h.GetString()!)).ToList();
}

public sealed class MigrationScenariosOnSqlite() : MigrationScenarios(Store.Sqlite, null);

[Collection(PostgresCollection.Name)]
public sealed class MigrationScenariosOnPostgres(PostgresServer postgres) : MigrationScenarios(Store.Postgres, postgres);
