using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using PacSpace.Cli;
using PacSpace.IntegrationTests.Infrastructure;
using PacSpace.Ledger;
using Xunit.Abstractions;

namespace PacSpace.IntegrationTests.Balance;

/// <summary>
/// Kills the real host (the built <c>pacspace up</c>, a process of its own) with SIGKILL while eight clients emit
/// deltas, starts it again on the same data, and checks what a crash must never cost: a delta answered 201, the
/// log's integrity from genesis, or the consistency of any head signed before the crash with the log after it.
/// </summary>
public abstract class CrashScenarios(Store store, PostgresServer? postgres, ITestOutputHelper output)
{
    private const int Clients = 8;
    private const int Customers = 5;
    private const int DeltasPerClientAfterRestart = 15;
    private const string BeforeKill = "before the kill";
    private const string AfterRestart = "after the restart";

    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(45);

    /// <summary>
    /// The host's settings: log warnings only; rate limits out of the way (they are not what this test is about, and a
    /// 429 would only slow the load down); a 3 s sequencer lease instead of 10 s, so the restarted host takes over the
    /// dead one's log sooner (the takeover itself is still part of the test).
    /// </summary>
    private static readonly Dictionary<string, string> HostEnvironment = new()
    {
        ["PACSPACE_Logging__LogLevel__Default"] = "Warning",
        ["PACSPACE_Plane__RateLimits__pilot__PermitsPerSecond"] = "1000000",
        ["PACSPACE_Plane__RateLimits__pilot__Burst"] = "10000000",
        ["PACSPACE_Plane__SequencerLease"] = "00:00:03",
    };

    [Fact]
    [Trait("Category", "Crash")]
    public async Task Host_KilledDuringConcurrentEmits_Every201DurableAndLogConsistentFromGenesis()
    {
        var clock = Stopwatch.StartNew();
        var data = Directory.CreateTempSubdirectory("pacspace-crash-").FullName;
        var database = store == Store.Postgres ? postgres!.ConnectionString("t_crash_" + Guid.NewGuid().ToString("N")[..12]) : null;
        // Somewhere in the middle of the load, different on every run; printed so a failing run can be told apart.
        var run = new Run(KillAfter: 300 + Random.Shared.Next(200));
        HostProcess? host = null;
        LocalStack? locator = null;
        using var stopLoad = new CancellationTokenSource();
        try
        {
            host = await HostProcess.StartAsync(data, database, HostEnvironment);
            var (tenantId, key) = await PaidTenantWithTestKeyAsync(host, data);
            output.WriteLine($"{store}: host pid {host.ProcessId} ready at {clock.Elapsed.TotalSeconds:F1} s; kill after {run.KillAfter} answers 201");

            // Phase 1: load until the kill. Each client stops at its first failed request (the host is gone).
            Task[] clients;
            Task auditor;
            using (var http = NewClient(host))
            {
                clients = Enumerable.Range(0, Clients).Select(c => EmitUntilFailureAsync(http, host, key, tenantId, c, run, stopLoad.Token)).ToArray();
                auditor = AuditHeadsAsync(http, host, run, BeforeKill, stopLoad.Token);
                // The kill goes out the moment the deciding 201 arrives, with the other clients' requests in flight.
                var first = await Task.WhenAny(clients.Append(auditor).Append(run.KillPoint.Task).Append(Task.Delay(TimeSpan.FromSeconds(30))));
                if (first != run.KillPoint.Task)
                {
                    // A client or the auditor that failed an assertion ends the test with its own message.
                    await first;
                    Assert.Fail(first.IsCompleted && clients.Contains(first)
                        ? "A client lost the host before the kill:\n" + host.Output
                        : $"{run.KillAfter} deltas answered 201 and three signed heads seen did not happen within 30 s: {run.Accepted.Count} and {run.Heads.Count}");
                }

                await host.KillAsync();
                var killedAt = run.Accepted.Count;
                Assert.Equal(128 + 9, host.ExitCode); // SIGKILL
                await Task.WhenAll(clients).WaitAsync(TimeSpan.FromSeconds(30));
                stopLoad.Cancel();
                await auditor;
                output.WriteLine($"killed at {clock.Elapsed.TotalSeconds:F1} s: {killedAt} answered 201 when the kill was sent, {run.Accepted.Count} in all, " +
                                 $"{run.Unknown.Count} requests without an answer, {run.Heads.Count} heads seen, largest {run.Heads.Max(h => h.Size)}");
            }

            Assert.True(run.Unexpected.IsEmpty, "Answers other than 201 before the kill: " + string.Join("\n", run.Unexpected.Take(5)));

            // Phase 2: the same installation again.
            var killedPorts = host.Ports;
            await host.DisposeAsync();
            host = null;
            host = await HostProcess.StartAsync(data, database, HostEnvironment, killedPorts);
            output.WriteLine($"restarted (pid {host.ProcessId}) at {clock.Elapsed.TotalSeconds:F1} s");
            using (var http = NewClient(host))
            {
                // First of all: every delta answered 201 before the kill is still there, with the content it was answered for.
                var preKill = run.Accepted.OrderBy(a => a.RecordId, StringComparer.Ordinal).ToList();
                var (_, missing) = await StatusesAsync(http, host, key, preKill, requireVerified: false);
                Assert.True(missing.Count == 0, $"{missing.Count} of {preKill.Count} deltas answered 201 before the kill are not there after the restart:\n" +
                                                string.Join("\n", missing.Take(10)));

                // The head a restarted host publishes first is the one it kept: no smaller than any it signed before.
                foreach (var accepted in preKill.Where((_, i) => i % Math.Max(1, preKill.Count / 10) == 0).Append(preKill[^1]))
                {
                    await CaptureHeadAsync(http, host, accepted, run, AfterRestart);
                }

                // A client that got no answer retries with the same referenceId (and key): the answer is 201, once.
                foreach (var sent in run.Unknown)
                {
                    var answer = await PostAsync(http, host, key, sent);
                    Assert.True(answer.Status == HttpStatusCode.Created, $"retry of {sent.ReferenceId} after the restart: {answer}");
                    run.Accepted.Add(Accepted.From(sent, answer, "retried"));
                }

                // The log goes on: more load, while heads keep being observed.
                using var audit = new CancellationTokenSource();
                var auditAfter = AuditHeadsAsync(http, host, run, AfterRestart, audit.Token);
                await Task.WhenAll(Enumerable.Range(0, Clients).Select(c => EmitAsync(http, host, key, tenantId, c, DeltasPerClientAfterRestart, run)));
                Assert.True(run.Unexpected.IsEmpty, "Answers other than 201 after the restart: " + string.Join("\n", run.Unexpected.Take(5)));

                locator = LocalStack.Create(new StackOptions { DataDirectory = data, Database = database });
                var plane = locator.OpenDatabase(Role.Sandbox);
                await KeyTestKit.EventuallyAsync(() => PendingAsync(plane, tenantId), n => n == 0, Settle, "every delta VERIFIED after the restart");
                audit.Cancel();
                await auditAfter;
                output.WriteLine($"all verified at {clock.Elapsed.TotalSeconds:F1} s");

                // Every 201, before the kill and after the restart, is VERIFIED with the content it was answered for.
                var (statuses, wrong) = await StatusesAsync(http, host, key, run.Accepted.ToList(), requireVerified: true);
                Assert.True(wrong.Count == 0, $"{wrong.Count} of {run.Accepted.Count} deltas answered 201 are not VERIFIED as answered:\n" + string.Join("\n", wrong.Take(10)));

                await CaptureHeadAsync(http, host, run.Accepted.First(), run, AfterRestart);
                await VerifyLogAsync(plane, locator.Root["Secrets:KeyEncryptionKey"]!, tenantId, run, statuses);
            }

            output.WriteLine($"{store}: {run.Accepted.Count} deltas, {run.Heads.Count} heads checked, {clock.Elapsed.TotalSeconds:F1} s");
        }
        catch (Exception) when (host is not null)
        {
            output.WriteLine("host output:\n" + host.Output);
            throw;
        }
        finally
        {
            await stopLoad.CancelAsync();
            if (host is not null)
            {
                await host.DisposeAsync();
            }

            if (locator is not null)
            {
                if (store == Store.Sqlite)
                {
                    // This test's pooled connections to the files about to be deleted (other tests' pools are left alone).
                    await using var connection = await locator.OpenDatabase(Role.Sandbox).OpenAsync(default);
                    SqliteConnection.ClearPool((SqliteConnection)connection);
                }

                await locator.DisposeAsync();
            }

            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
                // Best effort; the folder lives under the temp directory.
            }
        }
    }

    /// <summary>
    /// Checks the log from genesis with nothing but the stored rows and the ledger's public key: positions, each
    /// customer's chain and running balance, the stored content, the signed head, and every head seen on the way.
    /// </summary>
    private static async Task VerifyLogAsync(PacSpace.Hosting.Data.Database plane, string kek, string tenantId, Run run, IReadOnlyDictionary<string, JsonElement> statuses)
    {
        await using var connection = await plane.OpenAsync(default);
        var rows = (await connection.QueryAsync<LogRow>(
            $"""
            SELECT ledger_no, reference_id, customer_id, amount, reason, metadata, content_hash, status, log_index, customer_seq, prev_index,
                   balance_after, recorded_at
            FROM {PlaneRows.Deltas} WHERE tenant_id = @tenantId ORDER BY log_index
            """, new { tenantId })).ToList();
        // Record ids are the rows' places under the plane's id key; a delta was first VERIFIED by the first head covering it.
        var ids = await PlaneRows.EntryIdsAsync(connection, kek);
        var heads = (await connection.QueryAsync<long>("SELECT size FROM log_heads WHERE ledger_no = @ledger ORDER BY size",
            new { ledger = rows.Count == 0 ? -1 : rows[0].ledger_no })).ToList();
        foreach (var r in rows)
        {
            r.record_id = ids.RecordId(r.ledger_no, r.log_index!.Value);
            r.head_size = heads.Cast<long?>().FirstOrDefault(h => h > r.log_index);
        }

        var ledger = await connection.QuerySingleAsync<LedgerRow>(
            "SELECT origin, key_name, public_key, tree_size, root_hash, checkpoint FROM tenant_ledgers WHERE tenant_id = @tenantId", new { tenantId });

        // Exactly one row per delta sent, none that was not sent, and every 201 for it named that row.
        var sent = run.Accepted.Select(a => a.Sent).Concat(run.Unknown).DistinctBy(s => s.ReferenceId).ToDictionary(s => s.ReferenceId);
        Assert.Equal(sent.Keys.Order(StringComparer.Ordinal), rows.Select(r => r.reference_id!).Order(StringComparer.Ordinal));
        var byReference = rows.ToDictionary(r => r.reference_id!);
        foreach (var a in run.Accepted)
        {
            Assert.True(byReference[a.Sent.ReferenceId].record_id == a.RecordId, $"{a.Phase} answer for {a.Sent.ReferenceId} named {a.RecordId}, the row is {byReference[a.Sent.ReferenceId].record_id}");
            Assert.Equal(byReference[a.Sent.ReferenceId].log_index, statuses[a.RecordId].GetProperty("proof").GetProperty("logIndex").GetInt64());
        }

        var (leaves, chains) = LogAudit.CheckChains(rows.Select(r => new StoredEntry(
            r.record_id, r.customer_id, r.amount, r.log_index, r.customer_seq, r.prev_index, r.balance_after, r.recorded_at, Hex.Encode(r.content_hash))).ToList());
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            var what = $"log entry {i} ({r.record_id})";
            Assert.True(r.status == "VERIFIED", $"{what} is {r.status}");
            Assert.True(r.head_size > i && r.head_size <= rows.Count, $"{what} was first covered by a head of size {r.head_size}");

            // The stored content is what was sent: the canonical delta rebuilt from the columns hashes to what the entry commits to.
            var s = sent[r.reference_id!];
            var rebuilt = new DeltaContent(tenantId, PacSpaceEnvironments.SandboxName, r.customer_id, r.amount, r.reason, r.reference_id,
                r.metadata is null ? null : JsonDocument.Parse(r.metadata).RootElement).Canonical();
            Assert.Equal(s.ContentHash, DeltaContent.HashCanonical(rebuilt));
            Assert.Equal(s.ContentHash, r.content_hash);
            Assert.Equal((s.Customer, s.Amount), (r.customer_id, r.amount));
        }

        var customers = (await connection.QueryAsync<(string customer_id, long last_seq, long last_index, long balance)>(
            $"SELECT customer_id, last_seq, last_index, balance FROM {PlaneRows.Customers} WHERE tenant_id = @tenantId", new { tenantId })).ToList();
        Assert.Equal(chains.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => (c.Key, c.Value.Seq, c.Value.Index, c.Value.Balance)),
            customers.OrderBy(c => c.customer_id, StringComparer.Ordinal).Select(c => (c.customer_id, c.last_seq, c.last_index, c.balance)));

        // The signed head commits to exactly the rebuilt log, under the key every receipt published.
        var publicKey = Convert.FromBase64String(ledger.public_key);
        Assert.All(run.Heads, h => Assert.Equal(ledger.public_key, h.PublicKey));
        var root = MerkleTree.Root(leaves);
        Assert.Equal(rows.Count, ledger.tree_size);
        Assert.Equal(Hex.Encode(root), ledger.root_hash);
        Assert.True(SignedNote.Verify(ledger.checkpoint, ledger.key_name, publicKey, out var body), "the stored head's signature");
        Assert.True(Checkpoint.TryParse(body, out var head));
        Assert.Equal((ledger.origin, (long)rows.Count), (head!.Origin, head.Size));
        Assert.Equal(root, head.RootHash);

        // Every head seen, before and after the crash: signed by that key, a prefix of this log, never smaller than one seen earlier.
        long largest = 0;
        foreach (var seen in run.Heads.OrderBy(h => h.Order))
        {
            Assert.True(seen.Size >= largest, $"{seen.Phase} head of size {seen.Size} seen after one of size {largest}");
            largest = seen.Size;
            Assert.True(SignedNote.Verify(seen.Checkpoint, ledger.key_name, publicKey, out var seenBody), $"{seen.Phase} head of size {seen.Size} does not verify with the ledger's key");
            Assert.True(Checkpoint.TryParse(seenBody, out var parsed) && parsed!.Size == seen.Size, $"{seen.Phase} head: {seenBody}");
            Assert.True(seen.Size <= rows.Count, $"{seen.Phase} head of size {seen.Size} is larger than the log ({rows.Count})");
            Assert.True(parsed!.RootHash.AsSpan().SequenceEqual(MerkleTree.Root(leaves.Take((int)seen.Size).ToList())),
                $"{seen.Phase} head of size {seen.Size} is not the root of the log's first {seen.Size} entries");
            Assert.True(MerkleTree.VerifyConsistency(seen.Size, rows.Count, parsed.RootHash, root, MerkleTree.ConsistencyProof(leaves, seen.Size)),
                $"{seen.Phase} head of size {seen.Size} is not consistent with the final head");
            Assert.True(ReceiptVerifier.Passed(ReceiptVerifier.Verify(seen.Delta.Canonical, Receipt.Parse(Encoding.UTF8.GetBytes(seen.Receipt)), publicKey)),
                $"the receipt of {seen.Delta.ReferenceId} seen {seen.Phase} does not verify offline");
        }

        Assert.Contains(run.Heads, h => h.Phase == BeforeKill);
        Assert.Contains(run.Heads, h => h.Phase == AfterRestart);
    }

    /// <summary>Signs up through the outbox, moves to a paid plan (the free plan stops at 100 deltas) and creates a test key.</summary>
    private static async Task<(string TenantId, string Key)> PaidTenantWithTestKeyAsync(HostProcess host, string data)
    {
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = host.Url(Role.Dashboard) };
        var api = new DashboardApi(http, Path.Combine(data, "outbox"));
        var session = await api.ReadyTenantAsync();
        var plan = await api.PostAsync("/dashboard/billing/plan", new { tier = "pilot" }, session);
        Assert.True(plan.Status == HttpStatusCode.OK, plan.ToString());
        var key = await api.CreateKeyAsync(session);
        Assert.StartsWith("pk_test_", key.FullKey, StringComparison.Ordinal);
        return (session.TenantId, key.FullKey);
    }

    private static async Task EmitUntilFailureAsync(HttpClient http, HostProcess host, string key, string tenantId, int client, Run run, CancellationToken ct)
    {
        for (var i = 0; !ct.IsCancellationRequested; i++)
        {
            var sent = Sent.Create(tenantId, "before", client, i);
            Answer answer;
            try
            {
                answer = await PostAsync(http, host, key, sent);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                // The host died with this request in flight (or before it): it may or may not have been written.
                run.Unknown.Add(sent);
                return;
            }

            Record(answer, sent, BeforeKill, run);
        }
    }

    private static async Task EmitAsync(HttpClient http, HostProcess host, string key, string tenantId, int client, int count, Run run)
    {
        for (var i = 0; i < count; i++)
        {
            var sent = Sent.Create(tenantId, "after", client, i);
            Record(await PostAsync(http, host, key, sent), sent, AfterRestart, run);
        }
    }

    private static void Record(Answer answer, Sent sent, string phase, Run run)
    {
        if (answer.Status != HttpStatusCode.Created)
        {
            run.Unexpected.Add($"{sent.ReferenceId}: {answer}");
            return;
        }

        var accepted = Accepted.From(sent, answer, phase);
        run.Accepted.Add(accepted);
        run.Latest = accepted;
        if (run.Accepted.Count >= run.KillAfter && run.Heads.Count >= 3)
        {
            run.KillPoint.TrySetResult();
        }
    }

    /// <summary>
    /// Keeps asking for receipts and records every signed head it is shown: the newest accepted delta's, or when that
    /// one is not in the log yet, an earlier one's (a receipt is proved against the latest head either way).
    /// </summary>
    private static async Task AuditHeadsAsync(HttpClient http, HostProcess host, Run run, string phase, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            if (run.Latest is { } latest && !host.HasExited)
            {
                try
                {
                    if (!await CaptureHeadAsync(http, host, latest, run, phase))
                    {
                        var earlier = run.Accepted.ToArray();
                        await CaptureHeadAsync(http, host, earlier[Random.Shared.Next(earlier.Length)], run, phase);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
                {
                    // The host was killed under this request.
                }
            }

            try
            {
                await Task.Delay(100, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Records the head the delta's receipt is proved against; false while the delta is not in the log yet.</summary>
    private static async Task<bool> CaptureHeadAsync(HttpClient http, HostProcess host, Accepted accepted, Run run, string phase)
    {
        var receipt = await GetAsync(http, host, "/api/v1/verify/receipt/" + accepted.ReceiptId, key: null);
        Assert.True(receipt.Status == HttpStatusCode.OK, $"receipt of {accepted.RecordId}: {receipt}");
        if (!receipt.Data.GetProperty("verified").GetBoolean())
        {
            return false;
        }

        var order = Interlocked.Increment(ref run.HeadsSeen);
        run.Heads.Add(new SeenHead(order, phase, receipt.Data.GetProperty("treeSize").GetInt64(), receipt.Data.GetProperty("checkpoint").GetString()!,
            receipt.Data.GetProperty("publicKey").GetString()!, receipt.Raw, accepted.Sent));
        return true;
    }

    /// <summary>Reads each delta's status route; lists those that are missing, changed, or (when required) not VERIFIED.</summary>
    private static async Task<(IReadOnlyDictionary<string, JsonElement> Statuses, IReadOnlyList<string> Wrong)> StatusesAsync(
        HttpClient http, HostProcess host, string key, IReadOnlyList<Accepted> accepted, bool requireVerified)
    {
        var statuses = new ConcurrentDictionary<string, JsonElement>();
        var wrong = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(accepted, new ParallelOptions { MaxDegreeOfParallelism = Clients }, async (a, _) =>
        {
            var status = await GetAsync(http, host, "/api/v1/balance/delta/" + a.RecordId, key);
            var what = $"{a.RecordId} ({a.Sent.ReferenceId}, answered 201 {a.Phase})";
            if (status.Status != HttpStatusCode.OK)
            {
                wrong.Add($"{what}: {status}");
            }
            else if (status.Data.GetProperty("contentHash").GetString() != a.ContentHash)
            {
                wrong.Add($"{what}: content hash {status.Data.GetProperty("contentHash").GetString()}, answered {a.ContentHash}");
            }
            else if (requireVerified && status.Data.GetProperty("status").GetString() != "VERIFIED")
            {
                wrong.Add($"{what}: {status.Data.GetProperty("status").GetString()}");
            }
            else
            {
                statuses[a.RecordId] = status.Data;
            }
        });
        return (statuses, wrong.ToList());
    }

    private static async Task<long> PendingAsync(PacSpace.Hosting.Data.Database plane, string tenantId)
    {
        await using var connection = await plane.OpenAsync(default);
        return await connection.ExecuteScalarAsync<long>(
            $"SELECT COUNT(*) FROM {PlaneRows.Deltas} WHERE tenant_id = @tenantId AND status <> 'VERIFIED'", new { tenantId });
    }

    private static HttpClient NewClient(HostProcess host) => new() { BaseAddress = host.Url(Role.Sandbox), Timeout = TimeSpan.FromSeconds(30) };

    private static async Task<Answer> PostAsync(HttpClient http, HostProcess host, string key, Sent sent)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host.Url(Role.Sandbox), "/api/v1/balance/delta"))
        {
            Content = new StringContent(sent.Body, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("X-Api-Key", key);
        if (sent.IdempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", sent.IdempotencyKey);
        }

        return await SendAsync(http, request);
    }

    private static async Task<Answer> GetAsync(HttpClient http, HostProcess host, string path, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(host.Url(Role.Sandbox), path));
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Api-Key", key);
        }

        return await SendAsync(http, request);
    }

    private static async Task<Answer> SendAsync(HttpClient http, HttpRequestMessage request)
    {
        using var response = await http.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        return new Answer(response.StatusCode, JsonDocument.Parse(raw).RootElement.Clone(), response.Headers, raw);
    }

    /// <summary>One delta as a client sends it, with the content hash the client computes on its own.</summary>
    private sealed record Sent(string ReferenceId, string? IdempotencyKey, string Customer, long Amount, string Body, byte[] Canonical, byte[] ContentHash)
    {
        public static Sent Create(string tenantId, string phase, int client, int i)
        {
            var referenceId = $"crash-{phase}-{client}-{i}";
            var customer = $"cust-{(client + i) % Customers}";
            // Mostly usage, now and then a top-up: balances go both ways.
            var amount = i % 5 == 0 ? 100L + client : -(1L + ((client * 7 + i) % 13));
            var metadata = JsonDocument.Parse($$"""{"client": "{{client}}"}""").RootElement;
            var body = JsonSerializer.Serialize(new { customerId = customer, delta = amount, reason = amount > 0 ? "top-up" : "api calls", referenceId, metadata });
            var canonical = new DeltaContent(tenantId, "sandbox", customer, amount, amount > 0 ? "top-up" : "api calls", referenceId, metadata).Canonical();
            // Half the clients also send an Idempotency-Key, so both ways of recognising a retry are crossed by the crash.
            return new Sent(referenceId, client % 2 == 0 ? $"idem-{referenceId}" : null, customer, amount, body, canonical, DeltaContent.HashCanonical(canonical));
        }
    }

    private sealed record Accepted(Sent Sent, string RecordId, string ReceiptId, string ContentHash, string Phase)
    {
        public static Accepted From(Sent sent, Answer answer, string phase)
        {
            var data = answer.Data;
            var contentHash = data.GetProperty("contentHash").GetString()!;
            // The answer itself commits to what was sent.
            Assert.Equal(Hex.Encode(sent.ContentHash), contentHash);
            return new Accepted(sent, data.GetProperty("recordId").GetString()!, data.GetProperty("receiptId").GetString()!, contentHash, phase);
        }
    }

    private sealed record SeenHead(long Order, string Phase, long Size, string Checkpoint, string PublicKey, string Receipt, Sent Delta);

    private sealed class Run(int KillAfter)
    {
        public long HeadsSeen;

        /// <summary>How many 201s to wait for (and three heads seen) before the kill; random, so each run crashes elsewhere.</summary>
        public int KillAfter { get; } = KillAfter;

        public TaskCompletionSource KillPoint { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ConcurrentBag<Accepted> Accepted { get; } = [];

        public ConcurrentBag<Sent> Unknown { get; } = [];

        public ConcurrentBag<string> Unexpected { get; } = [];

        public ConcurrentBag<SeenHead> Heads { get; } = [];

        public Accepted? Latest { get; set; }
    }

    private sealed class LogRow
    {
        public long ledger_no { get; set; }

        public string record_id { get; set; } = "";

        public string reason { get; set; } = "";

        public string? metadata { get; set; }

        public string? reference_id { get; set; }

        public string customer_id { get; set; } = "";

        public long amount { get; set; }

        public byte[] content_hash { get; set; } = [];

        public string status { get; set; } = "";

        public long? log_index { get; set; }

        public long? customer_seq { get; set; }

        public long? prev_index { get; set; }

        public long? balance_after { get; set; }

        public long? recorded_at { get; set; }

        public long? head_size { get; set; }
    }

    private sealed class LedgerRow
    {
        public string origin { get; set; } = "";

        public string key_name { get; set; } = "";

        public string public_key { get; set; } = "";

        public long tree_size { get; set; }

        public string root_hash { get; set; } = "";

        public string checkpoint { get; set; } = "";
    }
}

public sealed class CrashScenariosOnSqlite(ITestOutputHelper output) : CrashScenarios(Store.Sqlite, null, output);

[Collection(PostgresCollection.Name)]
public sealed class CrashScenariosOnPostgres(PostgresServer postgres, ITestOutputHelper output) : CrashScenarios(Store.Postgres, postgres, output);
