using PacSpace.IntegrationTests.Infrastructure;

namespace PacSpace.IntegrationTests.Dashboard;

/// <summary>
/// Base for scenario classes that run once on SQLite and once on PostgreSQL. Each test gets <see cref="Stack"/>: a fresh
/// stack of its own, started before the test and disposed after it, unless the class shares one (see
/// <see cref="SharedStackTests"/>). Extra stacks with their own configuration (<see cref="StartStackAsync"/>) are always
/// the test's own and disposed after it.
/// </summary>
public abstract class StoreTests(Store store, PostgresServer? postgres, SharedStacks? shared = null) : IAsyncLifetime
{
    private readonly List<TestStack> _extra = [];

    protected Store Store { get; } = store;

    protected PostgresServer? Postgres { get; } = postgres;

    protected TestStack Stack { get; private set; } = null!;


    protected DashboardApi Api => Stack.Dashboard;

    public virtual async Task InitializeAsync() => Stack = shared is null
        ? await TestStack.StartAsync(Store, Postgres)
        : await shared.GetAsync("", () => TestStack.StartAsync(Store, Postgres));

    public async Task DisposeAsync()
    {
        foreach (var s in _extra)
        {
            await s.DisposeAsync();
        }

        // A shared stack outlives the test: the class fixture disposes it after the class's last test.
        if (Stack is not null && shared is null)
        {
            await Stack.DisposeAsync();
        }
    }

    /// <summary>A fresh stack of this test's own (also for a test of a sharing class that needs a pristine one), disposed after the test.</summary>
    protected async Task<TestStack> StartStackAsync(Action<PacSpace.Cli.StackOptions>? configure = null, IReadOnlyList<PacSpace.Cli.Role>? roles = null, string? shareDataWith = null, string? database = null)
    {
        var s = await TestStack.StartAsync(Store, Postgres, configure, roles, shareDataWith, database);
        _extra.Add(s);
        return s;
    }

    /// <summary>
    /// A stack configured by <paramref name="configure"/> that the tests of a sharing class asking for the same
    /// <paramref name="name"/> share (so the name stands for the configuration); in a class that shares nothing, a fresh
    /// one of this test's own.
    /// </summary>
    protected Task<TestStack> SharedStackAsync(string name, Action<PacSpace.Cli.StackOptions> configure) =>
        shared is null
            ? StartStackAsync(configure)
            : shared.GetAsync(name, () => TestStack.StartAsync(Store, Postgres, configure));
}

/// <summary>
/// Base for scenario classes whose tests all run on one stack per class (and store), started by the first test and disposed
/// after the last: starting a stack, and stopping its three hosts above all, costs more than most tests. Safe because each test makes its own tenants and users
/// (<see cref="KeyTestKit.ReadyTenantAsync"/>, <see cref="DashboardApi.NewEmail"/>) and reads only what is theirs, and
/// because the tests of one class run one after another, so a test that counts the rows of a whole table compares them
/// with the count at its start rather than with zero. A test that needs a pristine stack, stops or restarts a plane, moves
/// the clock or configures the stack otherwise starts its own with <see cref="StoreTests.StartStackAsync"/>.
/// </summary>
public abstract class SharedStackTests(Store store, PostgresServer? postgres, SharedStacks shared)
    : StoreTests(store, postgres, shared), IClassFixture<SharedStacks>;

/// <summary>
/// The stacks the tests of one class share, by name: each started when a test first asks for it, all disposed after the
/// class's last test (an xunit class fixture, so one per concrete class and store). A stack that failed to start is
/// started again for the next test that asks.
/// </summary>
public sealed class SharedStacks : IAsyncLifetime
{
    private readonly Dictionary<string, Task<TestStack>> _stacks = [];
    private readonly Lock _gate = new();

    public Task<TestStack> GetAsync(string name, Func<Task<TestStack>> start)
    {
        lock (_gate)
        {
            if (!_stacks.TryGetValue(name, out var stack) || stack.IsFaulted || stack.IsCanceled)
            {
                _stacks[name] = stack = start();
            }

            return stack;
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        List<Task<TestStack>> stacks;
        lock (_gate)
        {
            stacks = [.. _stacks.Values];
            _stacks.Clear();
        }

        var failures = new List<Exception>();
        foreach (var stack in stacks)
        {
            // One that never started has failed the test that asked for it with the reason.
            if (await Task.WhenAny(stack) is { IsCompletedSuccessfully: true })
            {
                try
                {
                    await stack.Result.DisposeAsync();
                }
                catch (Exception ex)
                {
                    failures.Add(ex);
                }
            }
        }

        if (failures.Count > 0)
        {
            throw new AggregateException("Disposing a shared stack failed.", failures);
        }
    }
}
