using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PacSpace.Samples;
using PacSpace.Sdk.Balance;
using PacSpace.Sdk.Dashboard;
using PacSpace.Sdk.Records;
using PacSpace.Sdk.Verify;

namespace PacSpace.Sdk.Tests;

/// <summary>
/// A user's own tests can stand in for the clients with hand-written subclasses (no mocking library): the clients are
/// unsealed, have a protected parameterless constructor and virtual members.
/// </summary>
public sealed class MockingTests
{
    private static readonly Uri FakeUrl = new("http://fake.example/");

    [Fact]
    public async Task UserCode_TakingPacSpaceClient_RunsAgainstAHandWrittenDouble()
    {
        var balance = new FakeBalanceClient();
        using var client = new FakePacSpaceClient(balance);
        var output = new StringWriter();

        var exit = await QuickStart.RunAsync(client, output);

        Assert.Equal(0, exit);
        Assert.Equal(
            [
                $"Environment: Sandbox ({FakeUrl})",
                "Recorded rec_1: QUEUED",
                "rec_1 is VERIFIED at log index 7",
                $"Verified balance of {QuickStart.CustomerId}: -42 (1 deltas this month)",
            ],
            output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal([new NewDelta(QuickStart.CustomerId, -42, "API calls")], balance.Emitted);
        Assert.Equal(2, balance.StatusReads); // QUEUED once, then VERIFIED: the polling ran through the override
    }

    [Fact]
    public async Task UserCode_SeesTheDoublesRefusal_AsItWouldTheApis()
    {
        var balance = new FakeBalanceClient { Refusal = new PacSpaceException(402, PacSpaceErrorCodes.PlanLimitReached, "The plan's allowance is used up.") };
        using var client = new FakePacSpaceClient(balance);
        var output = new StringWriter();

        Assert.Equal(1, await QuickStart.RunAsync(client, output));
        Assert.Contains("PacSpace refused: PLAN_LIMIT_REACHED (402) The plan's allowance is used up.", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompositeMethods_GoThroughTheVirtualOnes()
    {
        var balance = new FakeBalanceClient { PageSizeSeen = [] };

        var listed = await balance.ListDeltasAsync("cust_1", pageSize: 2).ToListAsync();
        var status = await balance.WaitForVerifiedAsync("rec_1", pollInterval: TimeSpan.FromMilliseconds(1));

        Assert.Equal(["rec_a", "rec_b", "rec_c"], listed.Select(d => d.RecordId));
        Assert.Equal([2, 2], balance.PageSizeSeen);
        Assert.Equal(DeltaStatuses.Verified, status.Status);
    }

    [Fact]
    public async Task MembersNotOverridden_ThrowAClearError_InsteadOfCallingOut()
    {
        using var client = new FakePacSpaceClient(new FakeBalanceClient());

        var verify = Assert.Throws<InvalidOperationException>(() => client.Verify);
        var usage = await Assert.ThrowsAsync<InvalidOperationException>(() => client.Balance.GetUsageAsync());

        Assert.Contains("FakePacSpaceClient was created with the protected constructor, for mocking", verify.Message, StringComparison.Ordinal);
        Assert.Contains("FakeBalanceClient", usage.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AUserRegisteredDouble_WinsOverAddPacSpace()
    {
        var fake = new FakePacSpaceClient(new FakeBalanceClient());
        var services = new ServiceCollection();
        services.AddSingleton<PacSpaceClient>(fake);
        services.AddPacSpace(o => o.ApiKey = "not checked: the double is used");

        using var provider = services.BuildServiceProvider();

        Assert.Same(fake, provider.GetRequiredService<PacSpaceClient>());
    }

    [Fact]
    public async Task VerifyAndDashboardClients_CanBeDoubledToo()
    {
        var verify = new FakeVerifyClient();
        using var dashboard = new FakeDashboardClient();
        var seen = new List<string>();

        var period = await verify.GetProofRootAsync("root");
        var state = await dashboard.ActivateAndWaitAsync(PacSpaceEnvironments.SandboxName, new SyncProgress(s => seen.Add(s.Status)));

        Assert.Equal("root", period.ProofRoot);
        Assert.Equal(EnvironmentStatuses.Active, state.Status);
        Assert.Equal([EnvironmentStatuses.Activating, EnvironmentStatuses.Active], seen);
        Assert.Equal([PacSpaceEnvironments.SandboxName], dashboard.Activated);
    }

    [Theory]
    [InlineData(typeof(PacSpaceClient))]
    [InlineData(typeof(BalanceClient))]
    [InlineData(typeof(VerifyClient))]
    [InlineData(typeof(RecordsClient))]
    [InlineData(typeof(PacSpaceDashboardClient))]
    public void Clients_FollowTheMockingGuideline(Type client)
    {
        Assert.False(client.IsSealed);
        var constructor = client.GetConstructor(BindingFlags.Instance | BindingFlags.NonPublic, Type.EmptyTypes);
        Assert.True(constructor is { IsFamily: true }, $"{client.Name} needs a protected parameterless constructor.");

        var members = client.GetMethods(BindingFlags.Instance | BindingFlags.Public | BindingFlags.DeclaredOnly)
            .Where(m => !(m.Name == nameof(IDisposable.Dispose) && m.GetParameters().Length == 0))
            .ToList();
        Assert.NotEmpty(members);
        Assert.All(members, m => Assert.True(m.IsVirtual && !m.IsFinal, $"{client.Name}.{m.Name} must be virtual."));
    }

    /// <summary>What a user writes in their own test project: a client that answers from memory.</summary>
    private sealed class FakePacSpaceClient(BalanceClient balance) : PacSpaceClient
    {
        public override PacSpaceEnvironment Environment => PacSpaceEnvironment.Sandbox;

        public override Uri BaseUrl => FakeUrl;

        public override BalanceClient Balance => balance;
    }

    private sealed class FakeBalanceClient : BalanceClient
    {
        private static readonly LoggedDelta[] Logged = [Delta("rec_a"), Delta("rec_b"), Delta("rec_c")];

        public List<NewDelta> Emitted { get; } = [];

        public int StatusReads { get; private set; }

        public PacSpaceException? Refusal { get; init; }

        public List<int?>? PageSizeSeen { get; init; }

        public override Task<DeltaReceipt> EmitAsync(NewDelta delta, RequestOptions? options = null, CancellationToken cancellationToken = default)
        {
            if (Refusal is not null)
            {
                return Task.FromException<DeltaReceipt>(Refusal);
            }

            Emitted.Add(delta);
            return Task.FromResult(new DeltaReceipt("rec_1", "rcp_1", delta.CustomerId, delta.Delta, DeltaStatuses.Queued, "hash"));
        }

        public override Task<DeltaStatus> GetDeltaAsync(string recordId, CancellationToken cancellationToken = default)
        {
            var verified = ++StatusReads > 1;
            var proof = verified ? new DeltaProof(7, 8, 1, null, -42, DateTimeOffset.UnixEpoch, "http://fake.example/verify/rcp_1") : null;
            return Task.FromResult(new DeltaStatus(recordId, verified ? DeltaStatuses.Verified : DeltaStatuses.Queued, QuickStart.CustomerId, -42, "hash",
                verified ? 7 : null, "rcp_1", verified ? DateTimeOffset.UnixEpoch : null, proof, JsonDocument.Parse("{}").RootElement.Clone()));
        }

        public override Task<DerivedBalance> DeriveAsync(string customerId, BalanceScope? scope = null, long startingBalance = 0, int? limit = null, long? offset = null,
            CancellationToken cancellationToken = default)
        {
            PageSizeSeen?.Add(limit);
            var page = PageSizeSeen is null ? Logged[..1] : Logged.Skip((int)(offset ?? 0)).Take(limit ?? 100).ToArray();
            var total = PageSizeSeen is null ? 1 : Logged.Length;
            var resolved = new ResolvedScope("window", null, TimePresets.CurrentMonth, null, null, null, null);
            return Task.FromResult(new DerivedBalance(customerId, -42, startingBalance, -42, total, page, "rcp_1", resolved, new OffsetPage(limit ?? 100, offset ?? 0, total)));
        }

        private static LoggedDelta Delta(string recordId) =>
            new(recordId, "rcp_" + recordId, -42, "API calls", null, DeltaStatuses.Verified, "hash", 1, 0, -42, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);
    }

    private sealed class FakeVerifyClient : VerifyClient
    {
        public override Task<ProofRootVerification> GetProofRootAsync(string proofRoot, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ProofRootVerification(true, proofRoot, "origin", "2026-04", 8, proofRoot, "note", default, "sig", "key", "vkey",
                new ConsistencyProof(0, 8, "", []), new ProofRootSummary(1, -42, 1), "log", "ok"));
    }

    private sealed class FakeDashboardClient : PacSpaceDashboardClient
    {
        private int _reads;

        public List<string> Activated { get; } = [];

        public override Task<ActivationResult> ActivateAsync(string environment, CancellationToken cancellationToken = default)
        {
            Activated.Add(environment);
            return Task.FromResult(new ActivationResult(environment, EnvironmentStatuses.Activating));
        }

        public override Task<EnvironmentStatus> GetEnvironmentStatusAsync(CancellationToken cancellationToken = default)
        {
            var sandbox = ++_reads > 1 ? new EnvironmentState(EnvironmentStatuses.Active, DateTimeOffset.UnixEpoch, null) : new EnvironmentState(EnvironmentStatuses.Activating, null, null);
            return Task.FromResult(new EnvironmentStatus(sandbox, new EnvironmentState(EnvironmentStatuses.None, null, null)));
        }
    }

    private sealed class SyncProgress(Action<EnvironmentState> report) : IProgress<EnvironmentState>
    {
        public void Report(EnvironmentState value) => report(value);
    }
}
