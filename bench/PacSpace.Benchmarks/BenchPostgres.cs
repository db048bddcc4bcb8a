using System.Diagnostics;
using PacSpace.Cli;

namespace PacSpace.Benchmarks;

/// <summary>
/// A throw-away PostgreSQL server for one benchmark command: initdb + pg_ctl in a temporary folder, listening on
/// a free loopback port, stopped and deleted afterwards (as root it runs as the <c>postgres</c> user, which
/// PostgreSQL requires). Unlike the test fixture it keeps every durability setting on (<c>fsync</c>,
/// <c>synchronous_commit</c>, <c>full_page_writes</c>): an answered delta must be on disk.
/// </summary>
internal sealed class BenchPostgres : IAsyncDisposable
{
    private readonly string _bin = Environment.GetEnvironmentVariable("PACSPACE_PG_BIN") ?? "/usr/lib/postgresql/15/bin";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pacspace-bench-pg-" + Guid.NewGuid().ToString("N")[..8]);
    private int _port;

    private string DataDir => Path.Combine(_root, "data");

    public string ConnectionString => $"Host=127.0.0.1;Port={_port};Username=pacspace;Database=postgres;Maximum Pool Size=100";

    public static async Task<BenchPostgres> StartAsync()
    {
        var server = new BenchPostgres();
        await server.InitializeAsync();
        return server;
    }

    private async Task InitializeAsync()
    {
        if (!File.Exists(Path.Combine(_bin, "initdb")))
        {
            throw new InvalidOperationException($"PostgreSQL server binaries not found in {_bin} (Debian package postgresql-15), or pass --database.");
        }

        Directory.CreateDirectory(_root);
        _port = LocalStack.FreePort("127.0.0.1");
        if (IsRoot())
        {
            await RunAsync("chown", ["-R", "postgres:postgres", _root]);
        }

        await RunPgAsync("initdb", ["-D", DataDir, "-U", "pacspace", "--auth=trust", "-E", "UTF8", "--no-locale"]);
        // Defaults otherwise (synchronous_commit=on, fsync=on); a larger WAL budget so that short runs are not
        // dominated by checkpoints, as on a tuned server.
        var serverOptions = $"-p {_port} -k {_root} -c listen_addresses=127.0.0.1 -c shared_buffers=512MB -c max_wal_size=4GB -c max_connections=200";
        await RunPgAsync("pg_ctl", ["-D", DataDir, "-o", serverOptions, "-l", Path.Combine(_root, "server.log"), "-w", "-t", "60", "start"]);
        // The first line of postmaster.pid is the server's process id (its CPU time is reported per delta).
        DatabaseCpu.ServerPid = int.Parse(File.ReadLines(Path.Combine(DataDir, "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        DatabaseCpu.ServerPid = null;
        try
        {
            await RunPgAsync("pg_ctl", ["-D", DataDir, "-m", "fast", "-w", "stop"]);
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
