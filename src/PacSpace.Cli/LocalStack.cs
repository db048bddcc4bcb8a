using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Npgsql;
using PacSpace.Plane;
using PacSpace.ControlPlane;
using PacSpace.ControlPlane.Features.Billing;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Web;

namespace PacSpace.Cli;

public enum Role
{
    Dashboard,
    Sandbox,
    Production,
}

/// <summary>How to lay out one PacSpace installation: where data lives, which ports, which database.</summary>
public sealed class StackOptions
{
    public string DataDirectory { get; set; } = ".pacspace";

    public string Host { get; set; } = "127.0.0.1";

    public int DashboardPort { get; set; } = 5080;

    public int SandboxPort { get; set; } = 5081;

    public int ProductionPort { get; set; } = 5082;

    /// <summary>PostgreSQL connection string for the control database; the planes get <c>&lt;db&gt;_sandbox</c> and <c>&lt;db&gt;_production</c>.</summary>
    public string? Database { get; set; }

    public string? ConfigFile { get; set; }

    /// <summary>
    /// Local-install conveniences: generate secrets into the data folder, turn on self-serve billing, and let webhook
    /// endpoints point at this machine (private networks allowed, plain HTTP for Production).
    /// <c>serve</c> turns this off: a deployment's replicas must share secrets from configuration.
    /// </summary>
    public bool LocalInstall { get; set; } = true;

    /// <summary>Runs after a role's services are registered; lets an embedding host (or a test) replace one, such as the clock.</summary>
    public Action<Role, Microsoft.Extensions.DependencyInjection.IServiceCollection>? ConfigureServices { get; set; }

    /// <summary>Highest-precedence settings (command-line flags; tests).</summary>
    public Dictionary<string, string?> Overrides { get; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>
/// Composes the three roles. <c>pacspace up</c> runs all three in one process; tests start the same
/// composition on free ports; operator commands use it to find the databases.
/// </summary>
public sealed class LocalStack : IAsyncDisposable
{
    private readonly Dictionary<Role, WebApplication> _running = [];
    private readonly Dictionary<Role, Database> _databases = [];

    private LocalStack(StackOptions options, IConfiguration root, IReadOnlyDictionary<Role, int> ports)
    {
        Options = options;
        Root = root;
        Ports = ports;
    }

    public StackOptions Options { get; }

    public IConfiguration Root { get; }

    public IReadOnlyDictionary<Role, int> Ports { get; }

    public Uri Url(Role role) => new($"http://{Options.Host}:{Ports[role]}");

    public WebApplication? App(Role role) => _running.GetValueOrDefault(role);

    /// <summary>Resolves configuration and ports (0 = pick a free one) without starting anything.</summary>
    public static LocalStack Create(StackOptions options)
    {
        Directory.CreateDirectory(options.DataDirectory);
        var ports = new Dictionary<Role, int>
        {
            [Role.Dashboard] = options.DashboardPort == 0 ? FreePort(options.Host) : options.DashboardPort,
            [Role.Sandbox] = options.SandboxPort == 0 ? FreePort(options.Host) : options.SandboxPort,
            [Role.Production] = options.ProductionPort == 0 ? FreePort(options.Host) : options.ProductionPort,
        };
        return new LocalStack(options, BuildRoot(options, ports), ports);
    }

    /// <summary>
    /// A local install runs the control plane and both planes in one process, so each plane's one-origin listener
    /// (<c>Plane:OneOriginUrl</c>, HTTP/2 for the control plane's forwarding) goes on a loopback port picked free at start,
    /// whatever <c>--host</c> says: nothing else calls it.
    /// </summary>
    private static void AddOneOriginListeners(Dictionary<string, string?> defaults)
    {
        foreach (var plane in new[] { Role.Sandbox, Role.Production })
        {
            var url = $"http://127.0.0.1:{FreePort("127.0.0.1")}";
            defaults[$"Planes:{plane}:OneOriginUrl"] = url;
            defaults[OneOriginListenKey(plane)] = url;
        }
    }

    /// <summary>Where the local install keeps a plane's one-origin address until <see cref="Build"/> hands it to that plane as
    /// <c>Plane:OneOriginUrl</c> (the three roles share one configuration; <c>Plane:*</c> keys are each plane's own).</summary>
    private static string OneOriginListenKey(Role plane) => $"LocalInstall:{plane}:OneOriginUrl";

    public static IConfiguration BuildRoot(StackOptions options, IReadOnlyDictionary<Role, int> ports)
    {
        var data = Path.GetFullPath(options.DataDirectory);
        // A wildcard listen address is not a URL anyone can call.
        var callableHost = options.Host is "0.0.0.0" or "::" or "[::]" ? "127.0.0.1" : options.Host;
        var url = (Role r) => $"http://{callableHost}:{ports[r]}";
        var defaults = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Control"] = Database.SqliteFile(Path.Combine(data, "control.db")),
            ["ConnectionStrings:Sandbox"] = Database.SqliteFile(Path.Combine(data, "sandbox.db")),
            ["ConnectionStrings:Production"] = Database.SqliteFile(Path.Combine(data, "production.db")),
            ["Dashboard:PublicUrl"] = url(Role.Dashboard),
            ["Planes:Sandbox:InternalUrl"] = url(Role.Sandbox),
            ["Planes:Sandbox:PublicUrl"] = url(Role.Sandbox),
            ["Planes:Production:InternalUrl"] = url(Role.Production),
            ["Planes:Production:PublicUrl"] = url(Role.Production),
            ["Plane:ControlPlaneUrl"] = url(Role.Dashboard),
            ["Smtp:OutboxDirectory"] = Path.Combine(data, "outbox"),
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:Microsoft"] = "Warning",
            ["Logging:LogLevel:System.Net.Http"] = "Warning",
            // YARP notes every forwarded request at Information; the one origin logs its own failures (event ids 600, 601).
            ["Logging:LogLevel:Yarp"] = "Warning",
            // The key ring lives in the control database (antiforgery, page messages), sealed by DatabaseKeyRing itself, which
            // Data Protection cannot see: its "not encrypted at rest" warning is not news.
            ["Logging:LogLevel:Microsoft.AspNetCore.DataProtection"] = "Error",
        };
        if (options.LocalInstall)
        {
            var secrets = LocalSecrets.Ensure(data);
            defaults["Planes:ServiceSecret"] = secrets.ServiceSecret;
            defaults["Plane:ServiceSecret"] = secrets.ServiceSecret;
            defaults["Auth:JwtSigningKey"] = secrets.JwtSigningKey;
            defaults["Secrets:KeyEncryptionKey"] = secrets.KeyEncryptionKey;
            defaults["Billing:Mode"] = nameof(BillingMode.SelfServe);
            // A local install's webhook receivers run on the same machine, over plain HTTP; metadata addresses stay refused.
            defaults["Webhooks:AllowPrivateNetworks"] = "true";
            defaults["Webhooks:RequireHttpsForProduction"] = "false";
            AddOneOriginListeners(defaults);
        }

        if (!string.IsNullOrWhiteSpace(options.Database))
        {
            defaults["ConnectionStrings:Control"] = options.Database;
            defaults["ConnectionStrings:Sandbox"] = WithDatabaseSuffix(options.Database, "_sandbox");
            defaults["ConnectionStrings:Production"] = WithDatabaseSuffix(options.Database, "_production");
        }

        var builder = new ConfigurationBuilder().AddInMemoryCollection(defaults);
        if (options.ConfigFile is not null)
        {
            builder.AddJsonFile(Path.GetFullPath(options.ConfigFile), optional: false);
        }

        return builder.AddEnvironmentVariables("PACSPACE_").AddInMemoryCollection(options.Overrides).Build();
    }

    public static string ConnectionKey(Role role) => role switch
    {
        Role.Dashboard => "ConnectionStrings:Control",
        Role.Sandbox => "ConnectionStrings:Sandbox",
        _ => "ConnectionStrings:Production",
    };

    /// <summary>The role's database, for operator commands and migrations; owned (and disposed) by this stack.</summary>
    public Database OpenDatabase(Role role)
    {
        lock (_databases)
        {
            if (!_databases.TryGetValue(role, out var db))
            {
                _databases[role] = db = new Database(Root[ConnectionKey(role)]!);
            }

            return db;
        }
    }

    /// <summary>Creates missing PostgreSQL databases and applies pending migrations for the given roles.</summary>
    public async Task<IReadOnlyDictionary<Role, IReadOnlyList<string>>> MigrateAsync(IEnumerable<Role> roles, CancellationToken cancellationToken)
    {
        var applied = new Dictionary<Role, IReadOnlyList<string>>();
        foreach (var role in roles)
        {
            var db = OpenDatabase(role);
            await EnsurePostgresDatabaseAsync(db, cancellationToken);
            applied[role] = await Migrations.ApplyAsync(db, MigrationsAssembly(role), TimeProvider.System, cancellationToken);
        }

        return applied;
    }

    public static System.Reflection.Assembly MigrationsAssembly(Role role) =>
        role == Role.Dashboard ? typeof(ControlPlaneModule).Assembly : typeof(PlaneModule).Assembly;

    public async Task StartAsync(Role role, CancellationToken cancellationToken)
    {
        var app = Build(role);
        await app.StartAsync(cancellationToken);
        _running[role] = app;
    }

    public WebApplication Build(Role role)
    {
        var roleConfig = new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = Root[ConnectionKey(role)],
        };
        if (role != Role.Dashboard)
        {
            roleConfig["Plane:Environment"] = role.ToString();
            if (Root[OneOriginListenKey(role)] is { Length: > 0 } oneOrigin)
            {
                roleConfig["Plane:OneOriginUrl"] = oneOrigin;
            }
        }

        // One process runs the three roles: a configured metrics port is the dashboard's, the planes take the next two.
        if (int.TryParse(Root["Telemetry:MetricsPort"], out var metricsPort) && metricsPort > 0)
        {
            roleConfig["Telemetry:MetricsPort"] = (metricsPort + (int)role).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var config = new ConfigurationBuilder().AddConfiguration(Root).AddInMemoryCollection(roleConfig).Build();
        var application = role == Role.Dashboard ? typeof(ControlPlaneModule).Assembly : typeof(PlaneModule).Assembly;
        var builder = PacSpaceWeb.CreateBuilder(role.ToString(), application, config, Url(role).ToString().TrimEnd('/'));
        if (role == Role.Dashboard)
        {
            builder.AddDashboard();
            Options.ConfigureServices?.Invoke(role, builder.Services);
            return builder.Build().MapDashboard();
        }

        builder.AddPlane();
        Options.ConfigureServices?.Invoke(role, builder.Services);
        return builder.Build().MapPlane();
    }

    public async Task StopAsync(Role role)
    {
        if (_running.Remove(role, out var app))
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var role in _running.Keys.ToList())
        {
            await StopAsync(role);
        }

        foreach (var db in _databases.Values)
        {
            await db.DisposeAsync();
        }

        _databases.Clear();
    }

    public static int FreePort(string host)
    {
        // Below the ephemeral ranges (Linux 32768–60999, Windows and macOS 49152–65535): a port the system hands out as 0 can be
        // taken by an outgoing connection (a load generator's, a test client's) between this check and the server's bind.
        var address = IPAddress.Parse(host);
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = Random.Shared.Next(20_000, 32_768);
            try
            {
                using var probe = new TcpListener(address, port);
                probe.Start();
                return port;
            }
            catch (SocketException)
            {
                // In use: another.
            }
        }

        using var listener = new TcpListener(address, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string WithDatabaseSuffix(string connectionString, string suffix)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        b.Database = (b.Database ?? b.Username ?? "pacspace") + suffix;
        return b.ToString();
    }

    private static async Task EnsurePostgresDatabaseAsync(Database db, CancellationToken cancellationToken)
    {
        if (db.Provider != DbProvider.Postgres)
        {
            return;
        }

        var target = new NpgsqlConnectionStringBuilder(db.ConnectionString);
        if (string.IsNullOrEmpty(target.Database))
        {
            throw new InvalidOperationException("The PostgreSQL connection string needs Database=<name> (e.g. \"Host=db;Database=pacspace;Username=pacspace\").");
        }

        var name = target.Database;
        var admin = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(admin.ToString());
        await connection.OpenAsync(cancellationToken);
        var exists = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*)::int FROM pg_database WHERE datname = @name", new { name }, cancellationToken: cancellationToken));
        if (exists == 0)
        {
            try
            {
                await connection.ExecuteAsync(new CommandDefinition($"CREATE DATABASE \"{name.Replace("\"", "\"\"")}\"", cancellationToken: cancellationToken));
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
            {
                // Created concurrently by another migrator.
            }
        }
    }
}

/// <summary>
/// Secrets for a local installation, generated once and kept in <c>&lt;data&gt;/secrets.json</c> (mode 600).
/// Deployments set <c>Auth:JwtSigningKey</c>, the service secret and <c>Secrets:KeyEncryptionKey</c> in configuration instead.
/// </summary>
public sealed record LocalSecrets(string JwtSigningKey, string ServiceSecret, string? KeyEncryptionKey = null)
{
    public static LocalSecrets Ensure(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, "secrets.json");
        if (File.Exists(path))
        {
            var existing = JsonSerializer.Deserialize<LocalSecrets>(File.ReadAllText(path))!;
            if (existing.KeyEncryptionKey is not null)
            {
                return existing;
            }

            // A data folder from before stored secrets were sealed: it gets its key-encryption key now, once.
            return Write(path, existing with { KeyEncryptionKey = NewKey() }, replace: true);
        }

        return Write(path, new LocalSecrets(NewKey(), Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), NewKey()), replace: false);
    }

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static LocalSecrets Write(string path, LocalSecrets secrets, bool replace)
    {
        var temp = path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(secrets));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        try
        {
            File.Move(temp, path, overwrite: replace);
            return secrets;
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first: use theirs.
            File.Delete(temp);
            return JsonSerializer.Deserialize<LocalSecrets>(File.ReadAllText(path))!;
        }
    }
}
