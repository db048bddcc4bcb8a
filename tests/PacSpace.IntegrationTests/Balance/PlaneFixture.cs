using System.Text.Encodings.Web;
using System.Text.Json;
using PacSpace.Cli;
using PacSpace.IntegrationTests.Infrastructure;

namespace PacSpace.IntegrationTests.Balance;

/// <summary>
/// A Sandbox plane database written by an earlier version of PacSpace (schema up to migration 0006), kept in
/// <c>Fixtures/</c> with a manifest of everything it holds (see Fixtures/README.md). <see cref="OpenAsync"/> starts a
/// Sandbox plane on a copy of it; the committed files are only ever read.
/// </summary>
public static class PlaneFixture
{
    public const string Name = "plane-0006";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // The manifest holds unicode customer ids and metadata: readable as they are, not as \u escapes.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string DatabaseFile(Store store) => store == Store.Sqlite ? Name + ".sqlite" : Name + ".postgres.sql";

    public static string ManifestFile(Store store) => $"{Name}.{(store == Store.Sqlite ? "sqlite" : "postgres")}.manifest.json";

    /// <summary>The copies next to the test assembly (the project copies <c>Fixtures/*</c> to the output).</summary>
    public static string OutputPath(string file) => Path.Combine(AppContext.BaseDirectory, "Fixtures", file);

    public static PlaneFixtureManifest Manifest(Store store) =>
        JsonSerializer.Deserialize<PlaneFixtureManifest>(File.ReadAllText(OutputPath(ManifestFile(store))), Json)
        ?? throw new InvalidOperationException("Empty fixture manifest.");

    /// <summary>
    /// Starts a Sandbox plane, alone, on a copy of the fixture database: on SQLite the file becomes the stack's
    /// <c>sandbox.db</c>; on PostgreSQL the dump is restored into a fresh <c>&lt;db&gt;_sandbox</c> database. The stack
    /// migrates its databases as it always does, so pending migrations run on the copy before the plane starts. The
    /// plane opens its sealed signing key with the manifest's key-encryption key and authenticates the manifest's API
    /// key from its own <c>api_keys</c> table; no control plane runs.
    /// </summary>
    public static async Task<FixturePlane> OpenAsync(Store store, PostgresServer? postgres)
    {
        var manifest = Manifest(store);
        var dataDir = Path.Combine(Path.GetTempPath(), "pacspace-fixture-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dataDir);
        string? database = null;
        if (store == Store.Sqlite)
        {
            File.Copy(OutputPath(DatabaseFile(store)), Path.Combine(dataDir, "sandbox.db"));
        }
        else
        {
            var name = "f_" + Guid.NewGuid().ToString("N")[..12];
            await postgres!.RestoreAsync(name + "_sandbox", OutputPath(DatabaseFile(store)));
            database = postgres.ConnectionString(name);
        }

        var stack = await TestStack.StartAsync(store, postgres, o =>
        {
            o.Overrides["Secrets:KeyEncryptionKey"] = manifest.KeyEncryptionKey;
            // No control plane: the plane serves keys from its own store at once instead of waiting to catch up.
            o.Overrides["Plane:ControlPlaneUrl"] = "";
            // The checks read every record one by one; the free plan's request budget is not what they test.
            o.Overrides["Plane:RateLimits:free:PermitsPerSecond"] = "10000";
            o.Overrides["Plane:RateLimits:free:Burst"] = "10000";
        }, roles: [Role.Sandbox], shareDataWith: dataDir, database: database);
        return new FixturePlane(stack, manifest, dataDir);
    }
}

/// <summary>A plane running on a copy of the fixture; disposing it stops the plane and deletes the copy.</summary>
public sealed class FixturePlane(TestStack stack, PlaneFixtureManifest manifest, string dataDirectory) : IAsyncDisposable
{
    public TestStack Stack { get; } = stack;

    public PlaneFixtureManifest Manifest { get; } = manifest;

    public async ValueTask DisposeAsync()
    {
        var sqlite = Stack.Local.Options.Database is null
            ? new[] { Role.Dashboard, Role.Sandbox, Role.Production }.Select(r => Stack.Local.Root[LocalStack.ConnectionKey(r)]!).ToList()
            : [];
        await Stack.DisposeAsync();
        // Only this stack's pooled SQLite connections: other tests' stacks keep theirs.
        foreach (var connectionString in sqlite)
        {
            using var connection = new Microsoft.Data.Sqlite.SqliteConnection(connectionString);
            Microsoft.Data.Sqlite.SqliteConnection.ClearPool(connection);
        }

        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort; the folder lives under the temp directory.
        }
    }
}

/// <summary>Everything a plane fixture holds that an upgraded plane must still answer, as the version that wrote it answered it.</summary>
/// <param name="Schema">The last plane migration the database has.</param>
/// <param name="ApiKey">A full Sandbox key of the tenant (the plane keeps only SHA-256 of its secret).</param>
/// <param name="KeyEncryptionKey">The <c>Secrets:KeyEncryptionKey</c> the signing key is sealed under.</param>
/// <param name="Periods">The months (UTC, YYYY-MM) the verified deltas were recorded in, oldest first.</param>
/// <param name="Log">The latest signed head when the database was saved.</param>
/// <param name="QueuedRecordIds">Deltas committed but not yet appended to the log when the database was saved.</param>
public sealed record PlaneFixtureManifest(
    string Description,
    string Schema,
    string Store,
    string? SourceCommit,
    DateTimeOffset GeneratedAt,
    string Environment,
    string TenantId,
    string ApiKey,
    string KeyEncryptionKey,
    IReadOnlyList<string> Periods,
    FixtureLog Log,
    IReadOnlyList<FixtureDelta> Deltas,
    FixtureBatch Batch,
    IReadOnlyList<FixtureCustomer> Customers,
    IReadOnlyList<FixtureCheckpoint> Checkpoints,
    FixtureReceipt Receipt,
    IReadOnlyList<string> QueuedRecordIds);

/// <summary>The tenant's log: its identity and key, and the signed head (note text, size, root) at save time.</summary>
public sealed record FixtureLog(string Origin, string KeyName, string PublicKey, string VerifierKey, long TreeSize, string RootHash, string Checkpoint);

/// <summary>
/// One delta: the request as sent (<paramref name="Request"/>, with <paramref name="IdempotencyKey"/> if any), what the
/// plane answered, its canonical content (what a counterparty holds) and, unless it was left QUEUED, where it sits in the log.
/// </summary>
public sealed record FixtureDelta(
    string RecordId,
    string ReceiptId,
    string ContentHash,
    string Canonical,
    string CustomerId,
    long Amount,
    string? ReferenceId,
    string? IdempotencyKey,
    string? Adjusts,
    string Request,
    int? BatchIndex,
    string Status,
    string? Period,
    long? LogIndex,
    long? CustomerSeq,
    long? BalanceAfter);

/// <summary>The one <c>/delta/batch</c> call: its body and Idempotency-Key, and the record of each item.</summary>
public sealed record FixtureBatch(string IdempotencyKey, string Request, IReadOnlyList<string> RecordIds);

/// <summary>A customer's figures: balance at the saved head, what its queued deltas add, its delta count (queued included) and each period's.</summary>
public sealed record FixtureCustomer(string CustomerId, long Balance, long QueuedAmount, long DeltaCount, long QueuedCount, IReadOnlyList<FixturePeriod> Periods);

public sealed record FixturePeriod(string Period, long DeltasCount, long NetChange);

/// <summary>A period checkpoint as created: the root it fixes, its signed note and statement signature, and its consistency proof's ends.</summary>
public sealed record FixtureCheckpoint(
    string CheckpointId,
    string Period,
    string? CustomerId,
    string ProofRoot,
    string PrevRoot,
    string BalancesRoot,
    long FromSize,
    long ToSize,
    long DeltaCount,
    long NetChange,
    long CustomerCount,
    string Note,
    string Signature);

/// <summary>A customer's receipt (<c>GET /api/v1/balance/receipt/{customerId}?period=</c>) as it was answered.</summary>
public sealed record FixtureReceipt(
    string CustomerId,
    string Period,
    string CheckpointId,
    string ProofRoot,
    long OpeningBalance,
    long ClosingBalance,
    long DeltaCount,
    long NetChange,
    string? LatestReceiptId,
    string BalanceLeaf,
    IReadOnlyList<string> DeltaRecordIds);
