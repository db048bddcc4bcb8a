using System.Data.Common;
using System.Net;
using System.Text.Json;
using Dapper;
using PacSpace.Cli;
using PacSpace.IntegrationTests.Infrastructure;

namespace PacSpace.IntegrationTests.Records;

/// <summary>
/// One stack for a whole class of record scenarios (they use their own entity ids, so they do not disturb each other): a
/// tenant with a Sandbox key, Production active and a live key, and a second tenant with a Sandbox key.
/// </summary>
public abstract class RecordStack(Store store, PostgresServer? postgres, Action<StackOptions>? configure = null) : IAsyncLifetime
{
    public TestStack Stack { get; private set; } = null!;

    public Session Tenant { get; private set; } = null!;

    public string Key { get; private set; } = "";

    public string LiveKey { get; private set; } = "";

    public Session Other { get; private set; } = null!;

    public string OtherKey { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Stack = await TestStack.StartAsync(store, postgres, o =>
        {
            // The scenarios send many requests with one key; the free plan's request budget is not what they test.
            o.Overrides["Plane:RateLimits:free:PermitsPerSecond"] = "10000";
            o.Overrides["Plane:RateLimits:free:Burst"] = "10000";
            configure?.Invoke(o);
        });
        Tenant = await Stack.Dashboard.ReadyTenantAsync();
        Key = (await Stack.Dashboard.CreateKeyAsync(Tenant)).FullKey;
        await Stack.Dashboard.ActivateProductionAsync(Tenant);
        LiveKey = (await Stack.Dashboard.CreateKeyAsync(Tenant, "live")).FullKey;
        Other = await Stack.Dashboard.ReadyTenantAsync();
        OtherKey = (await Stack.Dashboard.CreateKeyAsync(Other)).FullKey;
    }

    public async Task DisposeAsync()
    {
        if (Stack is not null)
        {
            await Stack.DisposeAsync();
        }
    }
}

public sealed class RecordStackOnSqlite() : RecordStack(Store.Sqlite, null);

public sealed class RecordStackOnPostgres(PostgresServer postgres) : RecordStack(Store.Postgres, postgres);

/// <summary>Record calls and looks behind the API, for the scenarios.</summary>
internal static class RecordKit
{
    public static string PathOf(string recordType, string entityId) =>
        $"/api/v1/records/{Uri.EscapeDataString(recordType)}/{Uri.EscapeDataString(entityId)}";

    public static Task<Answer> TransitionAsync(this TestStack stack, string key, string entityId, string body, string recordType = "machine-action-record",
        Role plane = Role.Sandbox, IReadOnlyDictionary<string, string>? headers = null) =>
        stack.SendAsync(plane, HttpMethod.Post, PathOf(recordType, entityId) + "/transitions", key, body, headers);

    public static Task<Answer> RecordReceiptAsync(this TestStack stack, string key, string entityId, long seq, string recordType = "machine-action-record",
        Role plane = Role.Sandbox) =>
        stack.SendAsync(plane, HttpMethod.Get, $"{PathOf(recordType, entityId)}/receipts/{seq}", key);

    public static Task<Answer> HistoryAsync(this TestStack stack, string key, string entityId, string query = "", string recordType = "machine-action-record",
        Role plane = Role.Sandbox) =>
        stack.SendAsync(plane, HttpMethod.Get, $"{PathOf(recordType, entityId)}/history{query}", key);

    /// <summary>Polls a record's entry until a signed head covers it.</summary>
    public static Task<Answer> CommittedAsync(this TestStack stack, string key, string entityId, long seq, string recordType = "machine-action-record") =>
        KeyTestKit.EventuallyAsync(() => stack.RecordReceiptAsync(key, entityId, seq, recordType),
            a => a.Status == HttpStatusCode.OK && a.Data.GetProperty("status").GetString() == "committed", TimeSpan.FromSeconds(15), $"{entityId} entry {seq} committed");

    /// <summary>A transition body as the official client writes it.</summary>
    public static string Body(string lifecycle, string title = "Build deployed", string? payloads = null, string? extra = null, string? referenceId = null) =>
        $$"""{"lifecycle": "{{lifecycle}}", "content": {"title": "{{title}}", "occurredAt": "2026-10-01T12:00:00Z", "actorId": "ci-bot", "payloads": {{payloads ?? "[{\"alg\": \"sha-256\", \"digest\": \"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824\", \"byteLength\": \"5\"}]"}}{{(extra is null ? "" : ", " + extra)}}}{{(referenceId is null ? "" : $", \"referenceId\": \"{referenceId}\"")}}}""";

    /// <summary>What the plane stores for records, and where its append point is: nothing may change when a request is refused.</summary>
    public static async Task<(long Records, long Entries, long NextIndex, long Marks)> FootprintAsync(this TestStack stack, Role plane = Role.Sandbox)
    {
        await using var c = await stack.PlaneDb(plane).OpenAsync(default);
        return (await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM records"), await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM record_entries"),
            await c.ExecuteScalarAsync<long>("SELECT COALESCE(SUM(next_index), 0) FROM tenant_ledgers"), await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM log_marks"));
    }

    public static async Task<T> QueryPlaneAsync<T>(this TestStack stack, Func<DbConnection, Task<T>> query, Role plane = Role.Sandbox)
    {
        await using var c = await stack.PlaneDb(plane).OpenAsync(default);
        return await query(c);
    }
}
