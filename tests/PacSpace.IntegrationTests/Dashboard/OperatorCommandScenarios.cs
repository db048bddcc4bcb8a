using System.Diagnostics;
using System.Net;
using PacSpace.Cli;
using PacSpace.IntegrationTests.Infrastructure;

namespace PacSpace.IntegrationTests.Dashboard;

/// <summary>
/// The operator commands as an operator runs them: the built <c>pacspace</c>, a process of its own, against the data
/// of a <c>pacspace up</c> that keeps running in another process.
/// </summary>
public abstract class OperatorCommandScenarios(Store store, PostgresServer? postgres)
{
    /// <summary>Operator billing: users cannot change their plan, so the command is the only way, as in production.</summary>
    private static readonly Dictionary<string, string> Environment = new()
    {
        ["PACSPACE_Logging__LogLevel__Default"] = "Warning",
        ["PACSPACE_Billing__Mode"] = "Operator",
    };

    [Fact]
    public async Task SetPlan_FromOperatorCommandBesideRunningUp_IsAuditedAsOperator()
    {
        var data = Directory.CreateTempSubdirectory("pacspace-operator-").FullName;
        var database = store == Store.Postgres ? postgres!.ConnectionString("t_op_" + Guid.NewGuid().ToString("N")[..12]) : null;
        await using var host = await HostProcess.StartAsync(data, database, Environment);
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = host.Url(Role.Dashboard) };
        var api = new DashboardApi(http, Path.Combine(data, "outbox"));
        var session = await api.SignUpAsync();

        var refused = await api.PostAsync("/dashboard/billing/plan", new { tier = "scale" }, session);
        var command = await RunCliAsync(data, database, "tenants", "set-plan", session.Email, "scale");
        var audit = await api.GetAsync("/dashboard/audit-log", session);
        var plan = await api.GetAsync("/dashboard/billing/plan", session);

        Assert.Equal("SELF_SERVE_DISABLED", refused.Code);
        Assert.True(command.Code == 0, command.Output);
        Assert.Contains($"{session.TenantId} is now on scale.", command.Output);
        Assert.Equal(HttpStatusCode.OK, audit.Status);
        var entry = Assert.Single(audit.Data.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "plan.changed");
        Assert.Equal("operator", entry.GetProperty("actor").GetProperty("origin").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, entry.GetProperty("actor").GetProperty("userId").ValueKind);
        Assert.Equal(session.TenantId, entry.GetProperty("targetId").GetString());
        Assert.Equal("free", entry.GetProperty("details").GetProperty("from").GetString());
        Assert.Equal("scale", entry.GetProperty("details").GetProperty("to").GetString());
        Assert.Equal("scale", plan.Data.GetProperty("tier").GetString());
        Assert.Equal("operator", plan.Data.GetProperty("mode").GetString());
    }

    /// <summary>Runs the built CLI (next to the test assembly) to completion and returns its exit code and everything it printed.</summary>
    private static async Task<(int Code, string Output)> RunCliAsync(string data, string? database, params string[] args)
    {
        var psi = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = data,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "pacspace.dll"));
        foreach (var a in args.Concat(["--data", data]).Concat(database is null ? [] : ["--database", database]))
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (name, value) in Environment)
        {
            psi.Environment[name] = value;
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"pacspace {string.Join(' ', args)} did not finish within 60 s.");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    private static string DotnetHost()
    {
        var fromSdk = System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromSdk) && File.Exists(fromSdk))
        {
            return fromSdk;
        }

        var current = System.Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
    }
}

public sealed class OperatorCommandScenariosOnSqlite() : OperatorCommandScenarios(Store.Sqlite, null);

[Collection(PostgresCollection.Name)]
public sealed class OperatorCommandScenariosOnPostgres(PostgresServer postgres) : OperatorCommandScenarios(Store.Postgres, postgres);
