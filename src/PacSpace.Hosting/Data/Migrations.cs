using System.Reflection;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace PacSpace.Hosting.Data;

/// <summary>
/// Applies the SQL migrations embedded in an assembly, in name order, once each. A file named
/// <c>0001_x.sql</c> serves both engines; <c>0001_x.postgres.sql</c> or <c>0001_x.sqlite.sql</c> replaces it
/// for one engine where their SQL differs. Safe to run from several replicas at once.
/// </summary>
public static class Migrations
{
    private const long PostgresLockKey = 0x7061_6373_7061_6365; // "pacspace"

    public static IReadOnlyList<string> Available(Assembly assembly, DbProvider provider)
    {
        var marker = ".Data.Migrations.";
        var all = assembly.GetManifestResourceNames()
            .Where(n => n.Contains(marker, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => (Resource: n, File: n[(n.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..]))
            .ToList();
        var own = provider == DbProvider.Postgres ? ".postgres.sql" : ".sqlite.sql";
        var other = provider == DbProvider.Postgres ? ".sqlite.sql" : ".postgres.sql";
        return all
            .Where(m => !m.File.EndsWith(other, StringComparison.Ordinal))
            .GroupBy(m => Version(m.File))
            .Select(g => g.OrderByDescending(m => m.File.EndsWith(own, StringComparison.Ordinal)).First().Resource)
            .OrderBy(Version, StringComparer.Ordinal)
            .ToList();
    }

    public static async Task<IReadOnlyList<string>> PendingAsync(Database db, Assembly assembly, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await EnsureTableAsync(connection, cancellationToken);
        var applied = (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT version FROM schema_migrations", cancellationToken: cancellationToken))).ToHashSet();
        return Available(assembly, db.Provider).Where(r => !applied.Contains(Version(r))).Select(Version).ToList();
    }

    /// <returns>The versions applied by this call.</returns>
    public static async Task<IReadOnlyList<string>> ApplyAsync(Database db, Assembly assembly, TimeProvider time, CancellationToken cancellationToken)
    {
        var done = new List<string>();
        await using var connection = await db.OpenAsync(cancellationToken);
        await EnsureTableAsync(connection, cancellationToken);
        foreach (var resource in Available(assembly, db.Provider))
        {
            var version = Version(resource);
            await using var tx = await connection.BeginTransactionAsync(cancellationToken);
            if (db.Provider == DbProvider.Postgres)
            {
                // Serialises concurrent migrators; released with the transaction.
                await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@k)", new { k = PostgresLockKey }, tx, cancellationToken: cancellationToken));
            }

            var exists = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COUNT(*) FROM schema_migrations WHERE version = @version", new { version }, tx, cancellationToken: cancellationToken));
            if (exists == 0)
            {
                await using var stream = assembly.GetManifestResourceStream(resource)!;
                using var reader = new StreamReader(stream);
                var sql = await reader.ReadToEndAsync(cancellationToken);
                await connection.ExecuteAsync(new CommandDefinition(sql, transaction: tx, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (@version, @at)",
                    new { version, at = time.GetUtcNow().ToUnixTimeMilliseconds() }, tx, cancellationToken: cancellationToken));
                done.Add(version);
            }

            await tx.CommitAsync(cancellationToken);
        }

        return done;
    }

    private static async Task EnsureTableAsync(System.Data.Common.DbConnection connection, CancellationToken cancellationToken)
    {
        // Under the same lock as the migrations: PostgreSQL's IF NOT EXISTS is not safe against a concurrent creator.
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        if (connection is NpgsqlConnection)
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@k)", new { k = PostgresLockKey }, tx, cancellationToken: cancellationToken));
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)",
            transaction: tx, cancellationToken: cancellationToken));
        await tx.CommitAsync(cancellationToken);
    }

    private static string Version(string resourceOrFile)
    {
        var file = resourceOrFile[(resourceOrFile.LastIndexOf(".Migrations.", StringComparison.Ordinal) is var i and >= 0 ? i + 12 : 0)..];
        return file.Split('.')[0];
    }
}
