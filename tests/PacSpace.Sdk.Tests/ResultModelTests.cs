using System.Reflection;
using System.Text.Json;
using PacSpace.Sdk.Balance;
using PacSpace.Sdk.Dashboard;
using PacSpace.Sdk.Records;
using PacSpace.Sdk.Verify;

namespace PacSpace.Sdk.Tests;

/// <summary>What the clients return can be built by a user's tests, so a double can answer like the API.</summary>
public sealed class ResultModelTests
{
    private static readonly Type[] Clients = [typeof(PacSpaceClient), typeof(BalanceClient), typeof(VerifyClient), typeof(RecordsClient), typeof(PacSpaceDashboardClient)];

    [Fact]
    public void EveryResultType_AndEveryTypeInsideIt_HasAPublicConstructor()
    {
        var results = Clients
            .SelectMany(c => c.GetMethods(BindingFlags.Instance | BindingFlags.Public | BindingFlags.DeclaredOnly))
            .SelectMany(m => SdkTypesIn(m.ReturnType))
            .ToHashSet();
        var all = new HashSet<Type>();
        var pending = new Queue<Type>(results);
        while (pending.TryDequeue(out var type))
        {
            if (type.IsEnum || Clients.Contains(type) || !all.Add(type))
            {
                continue;
            }

            foreach (var inner in type.GetProperties().SelectMany(p => SdkTypesIn(p.PropertyType)))
            {
                pending.Enqueue(inner);
            }
        }

        Assert.Contains(typeof(PeriodCheckpoint), all);
        Assert.Contains(typeof(BalanceProof), all);
        Assert.Contains(typeof(ApiKeyInfo), all);
        Assert.Contains(typeof(RecordReceipt), all);
        Assert.Contains(typeof(RecordHistoryEntry), all);
        Assert.All(all, t => Assert.True(t.GetConstructors().Length > 0, $"{t.Name} is returned by a client but a test cannot build it."));
    }

    [Fact]
    public void ATest_CanBuildWhatTheApiAnswers()
    {
        var content = JsonDocument.Parse("""{"customerId":"cust_1","amount":-42}""").RootElement.Clone();
        var status = new DeltaStatus("rec_1", DeltaStatuses.Verified, "cust_1", -42, "hash", 3, "rcp_1", DateTimeOffset.UnixEpoch,
            new DeltaProof(3, 4, 1, null, -42, DateTimeOffset.UnixEpoch, "http://verify"), content);
        var balance = new BalanceProof("root", "leaf", 0, 1, [], 1, 3, -42);
        var checkpoint = new PeriodCheckpoint("chk_1", "closed", "proof", "2026-04", null, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(30),
            0, 4, 1, -42, 1, "root", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, "http://verify", "http://api", "note", content, "sig",
            new ConsistencyProof(0, 4, "", []), new CheckpointCustomer("cust_1", 0, -42, 1, -42, balance));
        var key = new CreatedApiKey("key_1", "ci", PacSpaceEnvironments.TestKeyName, "pk_test_x", "sk_test_y", "pk_test_x.sk_test_y", DateTimeOffset.UnixEpoch, null);
        var refusal = new PacSpaceException(400, PacSpaceErrorCodes.ValidationError, "delta must not be zero", details: [new PacSpaceErrorDetail("delta", "must not be zero")]);
        var check = new OfflineCheck([new OfflineStep("content hash", true, "ok")], true);

        Assert.Equal(-42, status.Proof!.BalanceAfter);
        Assert.Equal(-42, checkpoint.Customer!.BalanceProof.ClosingBalance);
        Assert.Equal(checkpoint with { Status = "open" }, checkpoint with { Status = "open" });
        Assert.Equal("test", key.Environment);
        Assert.Equal("delta", Assert.Single(refusal.Details).Field);
        Assert.True(check.Passed);
        Assert.Equal("cust_1", status.Content.GetProperty("customerId").GetString());
    }

    /// <summary>The SDK's own types in a signature: <c>Task&lt;T&gt;</c>, <c>IAsyncEnumerable&lt;T&gt;</c>, lists and nullables unwrapped.</summary>
    private static IEnumerable<Type> SdkTypesIn(Type type)
    {
        if (type.IsGenericType)
        {
            return type.GetGenericArguments().SelectMany(SdkTypesIn);
        }

        return type.Assembly == typeof(PacSpaceClient).Assembly ? [type] : [];
    }
}
