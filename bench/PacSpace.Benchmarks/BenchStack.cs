using PacSpace.Cli;

namespace PacSpace.Benchmarks;

/// <summary>The <c>pacspace up</c> composition on free ports in a fresh temporary folder (SQLite unless a PostgreSQL server is given).</summary>
internal static class BenchStack
{
    public static async Task<LocalStack> StartAsync(string dir, string? postgres, IReadOnlyDictionary<string, string> overrides)
    {
        var options = new StackOptions { DataDirectory = dir, DashboardPort = 0, SandboxPort = 0, ProductionPort = 0 };
        if (postgres is not null)
        {
            options.Database = new Npgsql.NpgsqlConnectionStringBuilder(postgres) { Database = "bench_" + Guid.NewGuid().ToString("N")[..8] }.ToString();
        }

        options.Overrides["Logging:LogLevel:Default"] = "Warning";
        foreach (var (key, value) in overrides)
        {
            options.Overrides[key] = value;
        }

        var stack = LocalStack.Create(options);
        await stack.MigrateAsync([Role.Dashboard, Role.Sandbox, Role.Production], CancellationToken.None);
        // The control plane first, so the planes' start-up key catch-up finds it (the order `up` uses).
        foreach (var role in new[] { Role.Dashboard, Role.Sandbox, Role.Production })
        {
            await stack.StartAsync(role, CancellationToken.None);
        }

        return stack;
    }

    public static string NewDirectory() => Path.Combine(Path.GetTempPath(), "pacspace-bench-" + Guid.NewGuid().ToString("N")[..8]);
}
