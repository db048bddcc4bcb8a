using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace PacSpace.Hosting.Data;

public enum DbProvider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// One database a host talks to: SQLite (embedded default) or PostgreSQL (deployments). Plain ADO.NET
/// with Dapper on top; the SQL we write is the portable subset both engines share.
/// </summary>
public sealed class Database : IAsyncDisposable
{
    private readonly NpgsqlDataSource? _npgsql;

    public Database(string connectionString)
    {
        Provider = DetectProvider(connectionString);
        if (Provider == DbProvider.Postgres)
        {
            _npgsql = NpgsqlDataSource.Create(connectionString);
            ConnectionString = connectionString;
        }
        else
        {
            var builder = new SqliteConnectionStringBuilder(connectionString)
            {
                Pooling = true,
                DefaultTimeout = 30,
            };
            var dir = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
            if (!string.IsNullOrEmpty(dir))
            {
                Directory.CreateDirectory(dir);
            }

            ConnectionString = builder.ToString();
        }
    }

    public DbProvider Provider { get; }

    public string ConnectionString { get; }

    /// <summary>A short description safe to print: never the password.</summary>
    public string Describe()
    {
        if (Provider == DbProvider.Sqlite)
        {
            return "sqlite:" + new SqliteConnectionStringBuilder(ConnectionString).DataSource;
        }

        var b = new NpgsqlConnectionStringBuilder(ConnectionString);
        return $"postgres://{b.Host}:{b.Port}/{b.Database}";
    }

    public static DbProvider DetectProvider(string connectionString)
    {
        var text = connectionString.TrimStart();
        if (text.StartsWith("Host=", StringComparison.OrdinalIgnoreCase)
            || text.Contains(";Host=", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("Server=", StringComparison.OrdinalIgnoreCase))
        {
            return DbProvider.Postgres;
        }

        return DbProvider.Sqlite;
    }

    public static string SqliteFile(string path) =>
        new SqliteConnectionStringBuilder { DataSource = path }.ToString();

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (_npgsql is not null)
        {
            return await _npgsql.OpenConnectionAsync(cancellationToken);
        }

        var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        using var pragma = connection.CreateCommand();
        // WAL lets readers run beside the single writer; FULL makes every commit durable before we answer.
        pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    /// <summary>Closes pooled connections (PostgreSQL); SQLite pools are per file and cleared by the provider.</summary>
    public ValueTask DisposeAsync() => _npgsql?.DisposeAsync() ?? ValueTask.CompletedTask;

    /// <summary>True when the exception is a unique-constraint violation on either engine.</summary>
    public static bool IsUniqueViolation(Exception ex) => ex switch
    {
        SqliteException s => s.SqliteErrorCode == 19 && s.SqliteExtendedErrorCode is 2067 or 1555,
        PostgresException p => p.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };
}
