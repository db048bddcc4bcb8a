using System.Diagnostics;
using PacSpace.Cli;

namespace PacSpace.IntegrationTests.Infrastructure;

/// <summary>
/// A real PostgreSQL server for the suite: initdb + pg_ctl in a temporary folder, listening on a free loopback
/// port, stopped and deleted afterwards. As root (CI containers) the server runs as the <c>postgres</c> user,
/// because PostgreSQL refuses to run as root.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private readonly string _bin = Environment.GetEnvironmentVariable("PACSPACE_PG_BIN") ?? "/usr/lib/postgresql/15/bin";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pacspace-pg-" + Guid.NewGuid().ToString("N")[..8]);
    private int _port;

    private string DataDir => Path.Combine(_root, "data");

    /// <summary>A connection string for a database of this server; <see cref="LocalStack"/> creates it when missing.</summary>
    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={_port};Username=pacspace;Database={database};Pooling=true;Maximum Pool Size=40;Timeout=15";

    public async Task InitializeAsync()
    {
        if (!File.Exists(Path.Combine(_bin, "initdb")))
        {
            throw new InvalidOperationException($"PostgreSQL server binaries not found in {_bin}. ./test.sh installs them (Debian package postgresql-15).");
        }

        Directory.CreateDirectory(_root);
        _port = LocalStack.FreePort("127.0.0.1");
        if (IsRoot())
        {
            await RunAsync("chown", ["-R", "postgres:postgres", _root]);
        }

        await RunPgAsync("initdb", ["-D", DataDir, "-U", "pacspace", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"]);
        // Durability settings off: these tests check behaviour, not crash safety, and must stay fast.
        var serverOptions = $"-p {_port} -k {_root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=300";
        await RunPgAsync("pg_ctl", ["-D", DataDir, "-o", serverOptions, "-l", Path.Combine(_root, "server.log"), "-w", "-t", "60", "start"]);
    }

    public async Task DisposeAsync()
    {
        try
        {
            await RunPgAsync("pg_ctl", ["-D", DataDir, "-m", "immediate", "-w", "stop"]);
        }
        finally
        {
            try
            {
                Directory.Delete(_root, recursive: true);
            }
            catch (IOException)
            {
                // Best effort; the folder lives under the temp directory.
            }
        }
    }

    /// <summary>A plain SQL dump of one database (no owners, no grants), as <c>pg_dump</c> writes it.</summary>
    public Task DumpAsync(string database, string file) =>
        RunAsync(Path.Combine(_bin, "pg_dump"), [.. ConnectArgs(), "--dbname", database, "--no-owner", "--no-privileges", "--file", file]);

    /// <summary>Creates <paramref name="database"/> and runs a plain SQL dump into it with <c>psql</c>, stopping at the first error.</summary>
    public async Task RestoreAsync(string database, string file)
    {
        await RunAsync(Path.Combine(_bin, "createdb"), [.. ConnectArgs(), database]);
        await RunAsync(Path.Combine(_bin, "psql"), [.. ConnectArgs(), "--dbname", database, "--quiet", "--no-psqlrc", "--set", "ON_ERROR_STOP=1", "--file", file]);
    }

    // The client tools connect like the stack does (TCP, trust), so they run as the current user, root included.
    private string[] ConnectArgs() =>
        ["--host", "127.0.0.1", "--port", _port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--username", "pacspace"];

    private Task RunPgAsync(string tool, IReadOnlyList<string> args) =>
        IsRoot()
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. args])
            : RunAsync(Path.Combine(_bin, tool), args);

    private static bool IsRoot() => Environment.UserName == "root";

    private static async Task RunAsync(string file, IReadOnlyList<string> args)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}: {await stdout} {await stderr}");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}
