using PacSpace.IntegrationTests.Infrastructure;

namespace PacSpace.IntegrationTests.Dashboard;

/// <summary>
/// Base for scenario classes that run once on SQLite and once on PostgreSQL: one shared stack per class,
/// plus helpers to start extra stacks with their own configuration.
/// </summary>
public abstract class StoreTests(Store store, PostgresServer? postgres) : IAsyncLifetime
{
    private readonly List<TestStack> _extra = [];

    protected Store Store { get; } = store;

    protected PostgresServer? Postgres { get; } = postgres;

    protected TestStack Stack { get; private set; } = null!;


    protected DashboardApi Api => Stack.Dashboard;

    public virtual async Task InitializeAsync() => Stack = await TestStack.StartAsync(Store, Postgres);

    public async Task DisposeAsync()
    {
        foreach (var s in _extra)
        {
            await s.DisposeAsync();
        }

        if (Stack is not null)
        {
            await Stack.DisposeAsync();
        }
    }

    protected async Task<TestStack> StartStackAsync(Action<PacSpace.Cli.StackOptions>? configure = null, IReadOnlyList<PacSpace.Cli.Role>? roles = null, string? shareDataWith = null, string? database = null)
    {
        var s = await TestStack.StartAsync(Store, Postgres, configure, roles, shareDataWith, database);
        _extra.Add(s);
        return s;
    }
}
