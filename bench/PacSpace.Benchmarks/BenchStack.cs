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

    /// <summary>
    /// Runs <paramref name="body"/> on the stores <c>--store</c> names (<c>both</c>, <c>sqlite</c> or <c>postgres</c>; default
    /// both, or postgres alone with <c>--database</c>): SQLite in a temporary folder, PostgreSQL on the server
    /// <c>--database</c> points to (a database per stack is created) or else on a throw-away server started here.
    /// Returns each store's report.
    /// </summary>
    public static async Task<List<string>> OnStoresAsync(string[] args, Func<string, string?, Task<string>> body)
    {
        var database = Cli.Text(args, "--database");
        var store = Cli.Text(args, "--store") ?? (database is null ? "both" : "postgres");
        if (store is not ("both" or "sqlite" or "postgres"))
        {
            throw new ArgumentException("--store must be both, sqlite or postgres");
        }

        var reports = new List<string>();
        if (store is "both" or "sqlite")
        {
            reports.Add(await body("SQLite", null));
        }

        if (store is "both" or "postgres")
        {
            if (database is not null)
            {
                reports.Add(await body("PostgreSQL", database));
            }
            else
            {
                await using var server = await BenchPostgres.StartAsync();
                reports.Add(await body("PostgreSQL", server.ConnectionString));
            }
        }

        return reports;
    }

    /// <summary>A stack with a tenant on a paid plan (the free plan stops at 100 deltas) whose per-key rate limit is lifted, and its test key.</summary>
    /// <remarks><c>--set Key=Value</c> (repeatable) changes configuration, e.g. <c>--set Plane:SequencerInterval=00:00:00.100</c>.</remarks>
    public static async Task<(LocalStack Stack, BenchTenant Tenant)> StartWithTenantAsync(string dir, string? postgres, string[] args)
    {
        const string plan = "pilot";
        var overrides = new Dictionary<string, string>
        {
            // Benchmarks measure the write path, not the per-key limiter refusing it.
            [$"Plane:RateLimits:{plan}:PermitsPerSecond"] = "1000000",
            [$"Plane:RateLimits:{plan}:Burst"] = "1000000",
        };
        foreach (var setting in Cli.All(args, "--set"))
        {
            var (key, value) = (setting.Split('=', 2)[0], setting.Split('=', 2)[^1]);
            overrides[key] = value;
        }

        var stack = await StartAsync(dir, postgres, overrides);
        return (stack, await BenchTenant.CreateAsync(stack, plan));
    }

    /// <summary>
    /// Sends <paramref name="requests"/> GETs of <paramref name="path"/> one after another, each read to its end, and returns
    /// their times in milliseconds, sorted.
    /// </summary>
    public static async Task<List<double>> TimeGetsAsync(HttpClient http, string path, int requests)
    {
        var samples = new List<double>(requests);
        for (var i = 0; i < requests; i++)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            using var response = await http.GetAsync(path);
            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsByteArrayAsync();
            samples.Add(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        samples.Sort();
        return samples;
    }

    public static string NewDirectory() => Path.Combine(Path.GetTempPath(), "pacspace-bench-" + Guid.NewGuid().ToString("N")[..8]);
}
