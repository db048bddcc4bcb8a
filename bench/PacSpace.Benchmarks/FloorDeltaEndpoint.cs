using System.Data.Common;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace PacSpace.Benchmarks;

/// <summary>
/// The durable floor: the bare endpoint plus the least a durable, deduplicated write can do — no key, no validation
/// beyond the bare parse, no ledger. Each body becomes one row of a one-table store (an integer key in arrival order and
/// a unique index on <c>referenceId</c>, the one deduplication every delta needs); a single writer commits whatever is
/// queued (up to 512 rows) in one transaction, and every request in it is answered 201 after that commit is durable
/// (SQLite WAL <c>synchronous=FULL</c>; PostgreSQL <c>synchronous_commit=on</c>, one <c>INSERT … SELECT FROM unnest</c>
/// per batch). What it reaches against the bare endpoint bounds what any design of the plane can reach on this machine.
/// </summary>
internal sealed class FloorDeltaEndpoint : IAsyncDisposable
{
    private const int MaxBatch = 512;

    private readonly WebApplication _app;
    private readonly Channel<Item> _queue = Channel.CreateBounded<Item>(50_000);
    private readonly Func<List<Item>, Task> _commit;
    private readonly DbConnection _connection;
    private readonly Task _writer;

    private FloorDeltaEndpoint(WebApplication app, DbConnection connection, Func<List<Item>, Task> commit)
    {
        _app = app;
        _connection = connection;
        _commit = commit;
        _writer = Task.Run(WriteLoopAsync);
    }

    public Uri Url { get; private set; } = null!;

    /// <summary>Starts the endpoint over a fresh SQLite file in <paramref name="dir"/>, or a fresh database on <paramref name="postgres"/>.</summary>
    public static async Task<FloorDeltaEndpoint> StartAsync(string dir, string? postgres)
    {
        DbConnection connection;
        Func<List<Item>, Task> commit;
        if (postgres is null)
        {
            Directory.CreateDirectory(dir);
            var sqlite = new SqliteConnection($"Data Source={Path.Combine(dir, "floor.db")};Pooling=false");
            await sqlite.OpenAsync();
            Exec(sqlite, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;");
            Exec(sqlite, Schema("INTEGER PRIMARY KEY"));
            commit = SqliteCommit(sqlite);
            connection = sqlite;
        }
        else
        {
            var database = "floor_" + Guid.NewGuid().ToString("N")[..8];
            // A server string without a database (as --database may be given) opens the server's default one for the CREATE.
            var server = new NpgsqlConnectionStringBuilder(postgres);
            server.Database ??= "postgres";
            await using (var admin = new NpgsqlConnection(server.ToString()))
            {
                await admin.OpenAsync();
                Exec(admin, $"CREATE DATABASE {database}");
            }

            var pg = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(postgres) { Database = database }.ToString());
            await pg.OpenAsync();
            Exec(pg, Schema("BIGSERIAL PRIMARY KEY"));
            commit = PostgresCommit(pg);
            connection = pg;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        FloorDeltaEndpoint? self = null;
        app.MapPost("/api/v1/balance/delta", async (HttpRequest request, CancellationToken ct) =>
        {
            using var body = await JsonDocument.ParseAsync(request.Body, default, ct);
            var root = body.RootElement;
            var item = new Item(root.GetProperty("referenceId").GetString()!, root.GetProperty("customerId").GetString()!, root.GetProperty("delta").GetInt64(),
                root.GetProperty("reason").GetString()!);
            await self!._queue.Writer.WriteAsync(item, ct);
            await item.Done.Task;
            return Results.Json(new BareAnswer(item.ReferenceId, item.CustomerId, item.Amount, "QUEUED"), BareJson.Default.BareAnswer, statusCode: 201);
        });
        self = new FloorDeltaEndpoint(app, connection, commit);
        await app.StartAsync();
        self.Url = new Uri(new Uri(app.Urls.First()), "/api/v1/balance/delta");
        return self;
    }

    private static string Schema(string key) =>
        $"""
        CREATE TABLE floor (id {key}, reference_id TEXT NOT NULL, customer_id TEXT NOT NULL, amount BIGINT NOT NULL, reason TEXT NOT NULL, created_at BIGINT NOT NULL);
        CREATE UNIQUE INDEX ux_floor_reference ON floor (reference_id);
        """;

    private static Func<List<Item>, Task> SqliteCommit(SqliteConnection connection)
    {
        var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO floor (reference_id, customer_id, amount, reason, created_at) VALUES ($r, $c, $a, $n, $t) ON CONFLICT DO NOTHING";
        var p = new[] { "$r", "$c", "$a", "$n", "$t" }.Select(name => insert.Parameters.Add(new SqliteParameter { ParameterName = name })).ToArray();
        return batch =>
        {
            using var tx = connection.BeginTransaction();
            insert.Transaction = tx;
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            foreach (var item in batch)
            {
                (p[0].Value, p[1].Value, p[2].Value, p[3].Value, p[4].Value) = (item.ReferenceId, item.CustomerId, item.Amount, item.Reason, now);
                insert.ExecuteNonQuery();
            }

            tx.Commit();
            return Task.CompletedTask;
        };
    }

    private static Func<List<Item>, Task> PostgresCommit(NpgsqlConnection connection) => async batch =>
    {
        await using var insert = new NpgsqlCommand(
            """
            INSERT INTO floor (reference_id, customer_id, amount, reason, created_at)
            SELECT r, c, a, n, @t FROM unnest(@r, @c, @a, @n) AS x(r, c, a, n) ON CONFLICT DO NOTHING
            """, connection);
        insert.Parameters.Add(new NpgsqlParameter<string[]>("r", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = batch.Select(i => i.ReferenceId).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter<string[]>("c", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = batch.Select(i => i.CustomerId).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter<long[]>("a", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = batch.Select(i => i.Amount).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter<string[]>("n", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = batch.Select(i => i.Reason).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter<long>("t", NpgsqlDbType.Bigint) { TypedValue = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() });
        // Autocommit: the statement is its own transaction, durable when it returns.
        await insert.ExecuteNonQueryAsync();
    };

    private static void Exec(DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Item>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            try
            {
                await _commit(batch);
                batch.ForEach(i => i.Done.TrySetResult());
            }
            catch (Exception ex)
            {
                batch.ForEach(i => i.Done.TrySetException(ex));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _queue.Writer.Complete();
        await _writer;
        await _connection.DisposeAsync();
    }

    private sealed record Item(string ReferenceId, string CustomerId, long Amount, string Reason)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
