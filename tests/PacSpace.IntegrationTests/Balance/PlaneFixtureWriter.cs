using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;
using PacSpace.Cli;
using PacSpace.IntegrationTests.Infrastructure;
using PacSpace.Ledger;

namespace PacSpace.IntegrationTests.Balance;

/// <summary>Runs only when <c>PACSPACE_WRITE_FIXTURES=1</c>: the committed fixtures are rewritten on purpose, never by a test run.</summary>
public sealed class FixtureWriterFactAttribute : FactAttribute
{
    public const string Variable = "PACSPACE_WRITE_FIXTURES";

    public FixtureWriterFactAttribute()
    {
        if (System.Environment.GetEnvironmentVariable(Variable) != "1")
        {
            Skip = $"Rewrites the committed plane fixtures; set {Variable}=1 to regenerate them (see Fixtures/README.md).";
        }
    }
}

/// <summary>
/// Writes <c>Fixtures/plane-0006.*</c> (see Fixtures/README.md) with the code of this checkout: starts a whole stack
/// (SQLite files, or databases on the suite's PostgreSQL server), signs up, waits for Sandbox, creates a test key and
/// then drives the Sandbox plane over HTTP only: two months of deltas (a clock set back to the 10th of the month
/// before last, then of last month), a batch, a correction, two period checkpoints and a customer receipt. Then it
/// holds the sequencer, emits three more deltas that stay QUEUED, stops the stack cleanly and saves the Sandbox
/// plane's database with a manifest of everything the plane answered. Every figure in the manifest is computed here
/// from what was sent and checked against the plane's answer before it is written.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PlaneFixtureWriter(PostgresServer postgres)
{
    private const string Env = "sandbox";

    // Request bodies as a client writes them: one line, unicode as is.
    private static readonly JsonSerializerOptions Compact = new(PlaneFixture.Json) { WriteIndented = false };

    [FixtureWriterFact]
    public Task Write_Sqlite_PlaneFileAndManifest() => WriteAsync(Store.Sqlite);

    [FixtureWriterFact]
    public Task Write_Postgres_PlaneDumpAndManifest() => WriteAsync(Store.Postgres);

    private async Task WriteAsync(Store store)
    {
        var real = DateTimeOffset.UtcNow;
        var thisMonth = new DateTimeOffset(real.Year, real.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var (p1, p2) = (thisMonth.AddMonths(-2), thisMonth.AddMonths(-1));
        var periods = new[] { p1, p2 }.Select(p => p.ToString("yyyy-MM", CultureInfo.InvariantCulture)).ToList();
        var clock = new AdjustableClock();
        clock.Advance(p1.AddDays(9).AddHours(12) - real);
        var sandboxClock = new HoldableClock(clock);
        var kek = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

        var stack = await TestStack.StartAsync(store, postgres, o =>
        {
            o.Overrides["Secrets:KeyEncryptionKey"] = kek;
            o.ConfigureServices = (role, services) => services.UseClock(role == Role.Sandbox ? sandboxClock : clock);
        });
        var sandboxConnection = stack.Local.Root[LocalStack.ConnectionKey(Role.Sandbox)]!;
        PlaneFixtureManifest manifest;
        try
        {
            var session = await stack.Dashboard.ReadyTenantAsync();
            var key = (await stack.Dashboard.CreateKeyAsync(session, name: "fixture")).FullKey;
            var run = new Run(stack, key, session.TenantId);

            // The month before last: singles of every kind, then one batch.
            await run.EmitAsync(new("acme/eu", 1000, "prepaid credits", ReferenceId: "inv-2001",
                Metadata: """{"plan": "growth", "region": "eu-west-1", "tags": ["prepaid", "annual"]}"""));
            await run.EmitAsync(new("acme/eu", -120, "API calls", IdempotencyKey: "acme-usage-0001"));
            await run.EmitAsync(new("acme/eu", -35, "API calls"));
            await run.EmitAsync(new("Globex Corp", 500, "top-up", ReferenceId: "inv-2002"));
            var storage = await run.EmitAsync(new("Globex Corp", -42, "storage GB-hours",
                Metadata: """{"bucket": {"name": "logs", "class": "cold", "labels": {"team": "sre", "cost-centre": "42"}}, "note": "Größe geprüft ✓"}"""));
            await run.EmitAsync(new("müller-gmbh", 250, "Gutschrift", ReferenceId: "inv-2003",
                Metadata: """{"kunde": {"name": "Müller GmbH", "ort": "Köln"}, "bestätigt": true, "storniert": false, "vermerk": null}"""));
            await run.EmitAsync(new("müller-gmbh", -17, "Übertragung 17 GB"));
            await run.EmitAsync(new("東京-01", 300, "チャージ", IdempotencyKey: "tokyo-topup-1",
                Metadata: """{"地域": "東京", "通貨": "JPY", "emoji": "🚀", "quote": "she said \"hi\" \\ bye"}"""));
            await run.EmitAsync(new("東京-01", -99, "API 呼び出し"));
            await run.EmitAsync(new("initech", -5, "TPS reports",
                Metadata: """{"nested": {"deep": {"deeper": {"value": "yes", "list": ["a", "b", {"c": "d"}]}}}, "empty": {}, "none": []}"""));
            await run.EmitAsync(new("initech", 40, "credit"));
            await run.EmitAsync(new("beta_test", 1_000_000_000, "largest credit", ReferenceId: "beta-max"));
            await run.EmitAsync(new("acme/eu", -250, "batch export", ReferenceId: "usage-acme-p1", IdempotencyKey: "acme-export-1"));
            await run.EmitAsync(new("beta_test", -1, "ping"));
            await run.EmitBatchAsync("batch-p1",
                new("acme/eu", -3, "batched usage", ReferenceId: "batch-acme-1"),
                new("Globex Corp", -7, "batched usage"),
                new("東京-01", -11, "batched usage", Metadata: """{"source": "バッチ"}"""),
                new("initech", -13, "batched usage"));
            await run.WaitVerifiedAsync(periods[0]);

            // Last month: more of the same, a correction of the storage charge, and text the canonical form must escape.
            clock.Advance(p2.AddDays(9) - p1.AddDays(9));
            await run.EmitAsync(new("acme/eu", -60, "API calls", IdempotencyKey: "acme-usage-0002"));
            await run.EmitAsync(new("acme/eu", -60, "API calls"));
            await run.EmitAsync(new("acme/eu", -61, "API calls\nline two\twith a tab"));
            await run.EmitAsync(new("Globex Corp", 42, "refund: storage mis-metered", ReferenceId: "adj-globex-1",
                Adjusts: $$"""{"recordId": "{{storage.RecordId}}"}"""));
            await run.EmitAsync(new("Globex Corp", -400, "compute"));
            await run.EmitAsync(new("müller-gmbh", -30, "Übertragung 30 GB"));
            await run.EmitAsync(new("müller-gmbh", -12, "Speicher", ReferenceId: "usage-mueller-p2",
                Metadata: """{"zeitraum": "Vormonat", "positionen": ["Speicher", "Übertragung"]}"""));
            await run.EmitAsync(new("東京-01", -1, "ping"));
            await run.EmitAsync(new("東京-01", -1, "ping"));
            await run.EmitAsync(new("initech", 100, "credit", ReferenceId: "inv-2004", IdempotencyKey: "initech-credit-2"));
            await run.EmitAsync(new("initech", -27, "TPS reports"));
            await run.EmitAsync(new("beta_test", -999_999_999, "largest debit"));
            await run.EmitAsync(new("beta_test", 2, "rounding"));
            await run.EmitAsync(new("acme/eu", -8, "API calls", Metadata: """{"long": "ÄÖÜäöüß€ — “quotes” ‘single’ … 中文 한국어 עברית العربية"}"""));
            await run.EmitAsync(new("Globex Corp", -1, "API calls", IdempotencyKey: "globex-usage-9"));
            await run.EmitAsync(new("initech", -9, "API calls"));
            await run.EmitAsync(new("acme/eu", 500, "top-up", ReferenceId: "inv-2005"));
            await run.EmitAsync(new("müller-gmbh", -1, "ping"));
            await run.EmitAsync(new("müller-gmbh", 5, "Korrektur der Gutschrift", Adjusts: """{"referenceId": "inv-2003"}"""));
            await run.WaitVerifiedAsync(periods[1]);

            await run.CheckBalancesAsync(periods);
            var checkpoints = new List<FixtureCheckpoint>
            {
                await run.CheckpointAsync(periods[0], customerId: null),
                await run.CheckpointAsync(periods[1], customerId: "acme/eu"),
            };
            var receipt = await run.ReceiptAsync("müller-gmbh", periods[0]);
            Assert.Equal(checkpoints[0].CheckpointId, receipt.CheckpointId);
            var log = await run.SignedHeadAsync();
            Assert.Equal(run.Deltas.Count, log.TreeSize);

            // The sequencer ends its current round and is never woken again: what is emitted now stays QUEUED.
            sandboxClock.Hold();
            await sandboxClock.Parked.WaitAsync(TimeSpan.FromSeconds(10));
            var queued = new List<FixtureDelta>
            {
                await run.EmitAsync(new("acme/eu", -7, "API calls", IdempotencyKey: "acme-late-1")),
                await run.EmitAsync(new("Globex Corp", -3, "API calls", ReferenceId: "late-globex-1")),
                await run.EmitAsync(new("東京-01", 5, "late credit", Metadata: """{"備考": "遅延"}""")),
            };
            await Task.Delay(TimeSpan.FromSeconds(2));
            foreach (var q in queued)
            {
                Assert.Equal("QUEUED", (await stack.DeltaStatusAsync(Role.Sandbox, key, q.RecordId)).Data.GetProperty("status").GetString());
            }

            Assert.Equal(log.TreeSize, (await run.SignedHeadAsync()).TreeSize);
            await run.CheckPendingAsync();

            var commit = SourceCommit();
            manifest = new PlaneFixtureManifest(
                $"Sandbox plane database ({store}) at plane schema 0006, written over HTTP by PacSpace {commit ?? "(commit unknown)"} through tests/PacSpace.IntegrationTests/Balance/PlaneFixtureWriter.cs: {run.Deltas.Count} deltas over {run.Customers([]).Count} customers in {periods[0]} and {periods[1]}, {queued.Count} of them left QUEUED. Throwaway secrets, valid for this fixture only.",
                "0006", store == Store.Sqlite ? "sqlite" : "postgres", commit, real, Env, session.TenantId, key, kek, periods, log,
                run.Deltas, run.Batch!, run.Customers(periods), checkpoints, receipt, queued.Select(q => q.RecordId).ToList());
        }
        finally
        {
            // A clean stop: the group commit drains, the held sequencer is cancelled without another round.
            await stack.DisposeAsync();
        }

        var target = FixturesSourceDirectory();
        var databaseFile = Path.Combine(target, PlaneFixture.DatabaseFile(store));
        if (store == Store.Sqlite)
        {
            await SaveSqliteAsync(sandboxConnection, databaseFile);
        }
        else
        {
            await postgres.DumpAsync(new NpgsqlConnectionStringBuilder(sandboxConnection).Database!, databaseFile);
        }

        manifest = manifest with { Schema = await CheckSavedAsync(store, databaseFile, manifest) };
        await File.WriteAllTextAsync(Path.Combine(target, PlaneFixture.ManifestFile(store)), JsonSerializer.Serialize(manifest, PlaneFixture.Json) + "\n");
    }

    /// <summary>The WAL merged into the main file (no -wal file to carry), then a copy of that one file.</summary>
    private static async Task SaveSqliteAsync(string connectionString, string target)
    {
        SqliteConnection.ClearAllPools();
        await using (var connection = new SqliteConnection(connectionString))
        {
            await connection.OpenAsync();
            var (busy, _, _) = await connection.QuerySingleAsync<(long, long, long)>("PRAGMA wal_checkpoint(TRUNCATE)");
            Assert.Equal(0, busy);
            // Rollback-journal mode in the file itself: opening the committed copy never leaves -wal/-shm files beside it.
            await connection.ExecuteAsync("PRAGMA journal_mode=DELETE");
        }

        SqliteConnection.ClearAllPools();
        File.Copy(new SqliteConnectionStringBuilder(connectionString).DataSource, target, overwrite: true);
    }

    /// <summary>
    /// What was saved holds what the manifest says: every record, and QUEUED exactly the ones listed (the dump is read
    /// back through a scratch database). Returns its last migration.
    /// </summary>
    private async Task<string> CheckSavedAsync(Store store, string file, PlaneFixtureManifest manifest)
    {
        string? scratch = null;
        if (store == Store.Postgres)
        {
            scratch = "fixture_check_" + Guid.NewGuid().ToString("N")[..8];
            await postgres.RestoreAsync(scratch, file);
        }

        await using System.Data.Common.DbConnection connection = scratch is null
            ? new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString())
            : new NpgsqlConnection(new NpgsqlConnectionStringBuilder(postgres.ConnectionString(scratch)) { Pooling = false }.ToString());
        await connection.OpenAsync();
        var rows = (await connection.QueryAsync<(string record_id, string status)>("SELECT record_id, status FROM deltas")).ToList();
        Assert.Equal(manifest.Deltas.Select(d => d.RecordId).Order(StringComparer.Ordinal), rows.Select(r => r.record_id).Order(StringComparer.Ordinal));
        Assert.Equal(manifest.QueuedRecordIds.Order(StringComparer.Ordinal), rows.Where(r => r.status == "QUEUED").Select(r => r.record_id).Order(StringComparer.Ordinal));
        var migrations = (await connection.QueryAsync<string>("SELECT version FROM schema_migrations ORDER BY version")).ToList();
        Assert.StartsWith(manifest.Schema + "_", migrations[^1], StringComparison.Ordinal);
        return migrations[^1];
    }

    private static string FixturesSourceDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PacSpace.IntegrationTests.csproj")))
            {
                return Directory.CreateDirectory(Path.Combine(dir.FullName, "Fixtures")).FullName;
            }
        }

        throw new InvalidOperationException("tests/PacSpace.IntegrationTests not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The commit the fixture was written with, marked when src/ had changes on top of it.</summary>
    private static string? SourceCommit()
    {
        var head = Git("rev-parse --short HEAD");
        return head is null ? null : Git("status --porcelain -- src") is { Length: > 0 } ? head + " (with changes in src/)" : head;

        static string? Git(string args)
        {
            try
            {
                var psi = new ProcessStartInfo("git", args)
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    WorkingDirectory = FixturesSourceDirectory(),
                };
                using var git = Process.Start(psi)!;
                var output = git.StandardOutput.ReadToEnd().Trim();
                git.WaitForExit();
                return git.ExitCode == 0 ? output : null;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return null;
            }
        }
    }

    /// <summary>One delta to send; <paramref name="Metadata"/> and <paramref name="Adjusts"/> are JSON objects.</summary>
    private sealed record Spec(string Customer, long Amount, string Reason, string? ReferenceId = null, string? IdempotencyKey = null,
        string? Metadata = null, string? Adjusts = null)
    {
        public JsonObject Body()
        {
            var body = new JsonObject { ["customerId"] = Customer, ["delta"] = Amount, ["reason"] = Reason };
            if (ReferenceId is not null)
            {
                body["referenceId"] = ReferenceId;
            }

            if (Metadata is not null)
            {
                body["metadata"] = JsonNode.Parse(Metadata);
            }

            if (Adjusts is not null)
            {
                body["adjusts"] = JsonNode.Parse(Adjusts);
            }

            return body;
        }
    }

    /// <summary>What one tenant's run sent and was answered, kept in the order sent.</summary>
    private sealed class Run(TestStack stack, string key, string tenantId)
    {
        public List<FixtureDelta> Deltas { get; } = [];

        public FixtureBatch? Batch { get; private set; }

        public async Task<FixtureDelta> EmitAsync(Spec spec)
        {
            var request = spec.Body().ToJsonString(Compact);
            var answer = await stack.EmitAsync(Role.Sandbox, key, request, spec.IdempotencyKey);
            Assert.True(answer.Status == HttpStatusCode.Created, answer.ToString());
            var delta = Expected(spec, request, answer.Data.GetProperty("recordId").GetString()!, answer.Data.GetProperty("receiptId").GetString()!, null);
            Assert.Equal(delta.ContentHash, answer.Data.GetProperty("contentHash").GetString());
            Deltas.Add(delta);
            return delta;
        }

        public async Task EmitBatchAsync(string idempotencyKey, params Spec[] specs)
        {
            var items = specs.Select(s => s.Body()).ToList();
            var request = new JsonObject { ["deltas"] = new JsonArray([.. items]) }.ToJsonString(Compact);
            var answer = await stack.SendAsync(Role.Sandbox, HttpMethod.Post, "/api/v1/balance/delta/batch", key, request,
                new Dictionary<string, string> { ["Idempotency-Key"] = idempotencyKey });
            Assert.True(answer.Status == HttpStatusCode.Created, answer.ToString());
            var results = answer.Data.GetProperty("results").EnumerateArray().ToList();
            Assert.Equal(specs.Length, answer.Data.GetProperty("totalQueued").GetInt32());
            for (var i = 0; i < specs.Length; i++)
            {
                Deltas.Add(Expected(specs[i], items[i].ToJsonString(Compact),
                    results[i].GetProperty("recordId").GetString()!, results[i].GetProperty("receiptId").GetString()!, i));
            }

            Batch = new FixtureBatch(idempotencyKey, request, results.Select(r => r.GetProperty("recordId").GetString()!).ToList());
        }

        /// <summary>
        /// Waits until every delta so far is VERIFIED, checks each against what was sent, and records where it sits; the
        /// chain fields are checked in log order (deltas sent within one millisecond may be appended in either order).
        /// </summary>
        public async Task WaitVerifiedAsync(string period)
        {
            var proofs = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            for (var i = 0; i < Deltas.Count; i++)
            {
                var d = Deltas[i];
                var status = (await stack.VerifiedAsync(Role.Sandbox, key, d.RecordId)).Data;
                var proof = proofs[d.RecordId] = status.GetProperty("proof");
                Assert.Equal(d.ReceiptId, status.GetProperty("receiptId").GetString());
                Assert.Equal(d.ContentHash, status.GetProperty("contentHash").GetString());
                Assert.Equal(d.Canonical, Encoding.UTF8.GetString(Jcs.Canonicalize(status.GetProperty("content"))));
                var recordedIn = proof.GetProperty("recordedAt").GetDateTimeOffset().ToString("yyyy-MM", CultureInfo.InvariantCulture);
                if (d.Status == "QUEUED")
                {
                    Assert.Equal(period, recordedIn);
                    Deltas[i] = d with
                    {
                        Status = "VERIFIED",
                        Period = recordedIn,
                        LogIndex = proof.GetProperty("logIndex").GetInt64(),
                        CustomerSeq = proof.GetProperty("customerSeq").GetInt64(),
                        BalanceAfter = proof.GetProperty("balanceAfter").GetInt64(),
                    };
                }
            }

            Assert.Equal(Enumerable.Range(0, Deltas.Count).Select(i => (long?)i), Deltas.Select(d => d.LogIndex).Order());
            var chains = new Dictionary<string, (long Seq, long Index, long Balance)>(StringComparer.Ordinal);
            foreach (var d in Deltas.OrderBy(d => d.LogIndex))
            {
                var before = chains.GetValueOrDefault(d.CustomerId);
                var previous = proofs[d.RecordId].GetProperty("prevCustomerIndex");
                Assert.Equal(before.Seq + 1, d.CustomerSeq);
                Assert.Equal(before.Balance + d.Amount, d.BalanceAfter);
                Assert.Equal(before.Seq == 0 ? (long?)null : before.Index, previous.ValueKind == JsonValueKind.Null ? null : previous.GetInt64());
                chains[d.CustomerId] = (d.CustomerSeq!.Value, d.LogIndex!.Value, d.BalanceAfter!.Value);
            }
        }

        /// <summary>The plane's customer figures (all time and per period) are the sums of what was sent.</summary>
        public async Task CheckBalancesAsync(IReadOnlyList<string> periods)
        {
            foreach (var c in Customers(periods))
            {
                var detail = (await GetAsync("/api/v1/balance/customers/" + Uri.EscapeDataString(c.CustomerId))).Data;
                Assert.Equal(c.Balance, detail.GetProperty("computedBalance").GetInt64());
                Assert.Equal(c.DeltaCount, detail.GetProperty("totalDeltas").GetInt64());
                foreach (var p in c.Periods)
                {
                    var derived = (await GetAsync($"/api/v1/balance/derive/{Uri.EscapeDataString(c.CustomerId)}?period={p.Period}")).Data;
                    Assert.Equal(p.NetChange, derived.GetProperty("computedBalance").GetInt64());
                    Assert.Equal(p.DeltasCount, derived.GetProperty("deltasCount").GetInt64());
                }
            }
        }

        /// <summary>Each customer's queued deltas are counted as pending and not yet in its balance.</summary>
        public async Task CheckPendingAsync()
        {
            foreach (var c in Customers([]))
            {
                var detail = (await GetAsync("/api/v1/balance/customers/" + Uri.EscapeDataString(c.CustomerId))).Data;
                Assert.Equal(c.Balance, detail.GetProperty("computedBalance").GetInt64());
                Assert.Equal(c.QueuedCount, detail.GetProperty("pendingDeltas").GetInt64());
            }
        }

        public List<FixtureCustomer> Customers(IReadOnlyList<string> periods) =>
            Deltas.GroupBy(d => d.CustomerId, StringComparer.Ordinal).Select(g => new FixtureCustomer(
                g.Key,
                g.Where(d => d.Status == "VERIFIED").Sum(d => d.Amount),
                g.Where(d => d.Status == "QUEUED").Sum(d => d.Amount),
                g.Count(),
                g.Count(d => d.Status == "QUEUED"),
                periods.Select(p => new FixturePeriod(p, g.Count(d => d.Period == p), g.Where(d => d.Period == p).Sum(d => d.Amount))).ToList())).ToList();

        public async Task<FixtureCheckpoint> CheckpointAsync(string period, string? customerId)
        {
            var body = new JsonObject { ["period"] = period };
            if (customerId is not null)
            {
                body["customerId"] = customerId;
            }

            var answer = await stack.SendAsync(Role.Sandbox, HttpMethod.Post, "/api/v1/balance/checkpoint", key, body.ToJsonString());
            Assert.True(answer.Status == HttpStatusCode.Created, answer.ToString());
            var c = answer.Data;
            var inPeriod = Deltas.Where(d => d.Period == period).ToList();
            Assert.Equal(inPeriod.Count, c.GetProperty("deltaCount").GetInt64());
            Assert.Equal(inPeriod.Sum(d => d.Amount), c.GetProperty("netChange").GetInt64());
            return new FixtureCheckpoint(
                c.GetProperty("checkpointId").GetString()!,
                c.GetProperty("period").GetString()!,
                customerId,
                c.GetProperty("proofRoot").GetString()!,
                c.GetProperty("consistencyFromPrevious").GetProperty("prevRoot").GetString()!,
                c.GetProperty("balancesRoot").GetString()!,
                c.GetProperty("fromSize").GetInt64(),
                c.GetProperty("toSize").GetInt64(),
                c.GetProperty("deltaCount").GetInt64(),
                c.GetProperty("netChange").GetInt64(),
                c.GetProperty("customerCount").GetInt64(),
                c.GetProperty("checkpoint").GetString()!,
                c.GetProperty("signature").GetString()!);
        }

        public async Task<FixtureReceipt> ReceiptAsync(string customerId, string period)
        {
            var r = (await GetAsync($"/api/v1/balance/receipt/{Uri.EscapeDataString(customerId)}?period={period}")).Data;
            var mine = Deltas.Where(d => d.CustomerId == customerId && d.Period == period).ToList();
            Assert.Equal(mine.Select(d => d.RecordId), r.GetProperty("deltas").EnumerateArray().Select(d => d.GetProperty("recordId").GetString()));
            Assert.Equal(mine.Sum(d => d.Amount), r.GetProperty("netChange").GetInt64());
            return new FixtureReceipt(
                customerId,
                period,
                r.GetProperty("checkpointId").GetString()!,
                r.GetProperty("proofRoot").GetString()!,
                r.GetProperty("openingBalance").GetInt64(),
                r.GetProperty("closingBalance").GetInt64(),
                r.GetProperty("deltaCount").GetInt64(),
                r.GetProperty("netChange").GetInt64(),
                r.GetProperty("latestReceiptId").GetString(),
                r.GetProperty("balanceProof").GetProperty("leaf").GetString()!,
                mine.Select(d => d.RecordId).ToList());
        }

        /// <summary>The latest signed head, read from the public key route of the log (origin from a receipt).</summary>
        public async Task<FixtureLog> SignedHeadAsync()
        {
            var receipt = await stack.SendAsync(Role.Sandbox, HttpMethod.Get, "/api/v1/verify/receipt/" + Deltas[0].ReceiptId, key: null);
            var origin = receipt.Data.GetProperty("origin").GetString()!;
            var k = (await stack.SendAsync(Role.Sandbox, HttpMethod.Get, "/api/v1/verify/keys/" + origin, key: null)).Data;
            var note = k.GetProperty("checkpoint").GetString()!;
            var publicKey = k.GetProperty("publicKey").GetString()!;
            Assert.True(SignedNote.Verify(note, k.GetProperty("keyName").GetString()!, Convert.FromBase64String(publicKey), out var body));
            Assert.True(Checkpoint.TryParse(body, out var head));
            Assert.Equal(k.GetProperty("treeSize").GetInt64(), head!.Size);
            return new FixtureLog(origin, k.GetProperty("keyName").GetString()!, publicKey, k.GetProperty("verifierKey").GetString()!,
                head.Size, Hex.Encode(head.RootHash), note);
        }

        private FixtureDelta Expected(Spec spec, string request, string recordId, string receiptId, int? batchIndex)
        {
            using var metadata = spec.Metadata is null ? null : JsonDocument.Parse(spec.Metadata);
            // A correction written by this code is content version 2: its adjusts is hashed with it.
            var content = new DeltaContent(tenantId, Env, spec.Customer, spec.Amount, spec.Reason, spec.ReferenceId, metadata?.RootElement)
            {
                Adjusts = spec.Adjusts is null ? null : DeltaAdjusts.Parse(spec.Adjusts),
            };
            var adjusts = spec.Adjusts is null ? null : Encoding.UTF8.GetString(Jcs.Canonicalize(Encoding.UTF8.GetBytes(spec.Adjusts)));
            return new FixtureDelta(recordId, receiptId, Hex.Encode(content.ContentHash()), Encoding.UTF8.GetString(content.Canonical()),
                spec.Customer, spec.Amount, spec.ReferenceId, spec.IdempotencyKey, adjusts, request, batchIndex, "QUEUED", null, null, null, null);
        }

        private async Task<Answer> GetAsync(string path)
        {
            var answer = await stack.SendAsync(Role.Sandbox, HttpMethod.Get, path, key);
            Assert.True(answer.Status == HttpStatusCode.OK, $"GET {path}: {answer}");
            return answer;
        }
    }

    /// <summary>
    /// The Sandbox plane's clock, whose timers can be held: after <see cref="Hold"/> a timer asked for never fires (a
    /// <c>Task.Delay</c> on it still ends when cancelled at shutdown). The sequencer waits on this clock between rounds,
    /// so once held it finishes the round it is in and appends nothing more, while requests are served as before.
    /// </summary>
    private sealed class HoldableClock(TimeProvider inner) : TimeProvider
    {
        private readonly TaskCompletionSource _parked = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile bool _held;

        /// <summary>Completes when a timer was asked for while held: the sequencer has finished its round and waits for good.</summary>
        public Task Parked => _parked.Task;

        public void Hold() => _held = true;

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            if (!_held)
            {
                return inner.CreateTimer(callback, state, dueTime, period);
            }

            _parked.TrySetResult();
            return new NeverTimer();
        }

        private sealed class NeverTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
