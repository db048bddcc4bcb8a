using System.Net;
using System.Text.RegularExpressions;
using Dapper;
using PacSpace.Cli;
using PacSpace.IntegrationTests.Infrastructure;

namespace PacSpace.IntegrationTests.Dashboard;

/// <summary>Mail delivery, migrations and the remaining bodies' validation.</summary>
public abstract class OperationsScenarios(Store store, PostgresServer? postgres, SharedStacks shared) : SharedStackTests(store, postgres, shared)
{
    [Fact]
    public async Task Register_SmtpConfigured_SendsVerificationThroughSmtpAndNotToOutbox()
    {
        using var sink = new SmtpSink();
        var smtp = await StartStackAsync(o =>
        {
            o.Overrides["Smtp:Host"] = "127.0.0.1";
            o.Overrides["Smtp:Port"] = sink.Port.ToString();
            o.Overrides["Smtp:Security"] = "None";
        });
        var email = DashboardApi.NewEmail("smtp");

        Assert.Equal(HttpStatusCode.Created, (await smtp.Dashboard.RegisterAsync(email)).Status);

        var message = await WaitForAsync(() => sink.Messages.FirstOrDefault(m => m.To.Contains($"<{email}>")).Data);
        var link = DashboardApi.VerifyLink().Match(message).Value;
        Assert.Contains("Subject: Verify your PacSpace e-mail address", message);
        Assert.NotEmpty(link);
        Assert.False(Directory.Exists(Path.Combine(smtp.DataDirectory, "outbox")) && Directory.EnumerateFiles(Path.Combine(smtp.DataDirectory, "outbox")).Any());
        Assert.Equal(HttpStatusCode.OK, (await smtp.Dashboard.PostAsync("/dashboard/auth/verify", new { token = DashboardApi.TokenOf(new Uri(link).PathAndQuery) })).Status);
    }

    [Fact]
    public async Task MigrateCommand_FreshThenAgain_AppliesOnceThenUpToDate()
    {
        var dir = Path.Combine(Path.GetTempPath(), "pacspace-migrate-" + Guid.NewGuid().ToString("N")[..8]);
        var args = new List<string> { "migrate", "--data", dir };
        if (Store == Store.Postgres)
        {
            args.AddRange(["--database", Postgres!.ConnectionString("m_" + Guid.NewGuid().ToString("N")[..10])]);
        }

        var first = await CliRunner.RunAsync([.. args]);
        var second = await CliRunner.RunAsync([.. args]);

        Assert.Equal(0, first.Code);
        Assert.Equal(3, Regex.Matches(first.Output, "applied 0001_").Count);
        Assert.Equal(0, second.Code);
        Assert.Equal(3, Regex.Matches(second.Output, "up to date").Count);
    }

    [Fact]
    public async Task Migrations_ConcurrentMigrators_ApplyEachVersionOnce()
    {
        var dir = Path.Combine(Path.GetTempPath(), "pacspace-migrate-" + Guid.NewGuid().ToString("N")[..8]);
        var database = Store == Store.Postgres ? Postgres!.ConnectionString("c_" + Guid.NewGuid().ToString("N")[..10]) : null;
        var stacks = Enumerable.Range(0, 4).Select(_ => LocalStack.Create(new StackOptions { DataDirectory = dir, Database = database })).ToList();
        await stacks[0].MigrateAsync([Role.Dashboard], default); // creates the database once; the race is on the migrations table

        var results = await Task.WhenAll(stacks.Select(s => s.MigrateAsync([Role.Dashboard, Role.Sandbox], default)));

        Assert.All(results, r => Assert.Empty(r[Role.Dashboard]));
        // Each version is taken under the lock by exactly one migrator (they may share the list between them).
        var applied = results.SelectMany(r => r[Role.Sandbox]).ToList();
        Assert.Equal(applied.Count, applied.Distinct().Count());
        await using var c = await stacks[0].OpenDatabase(Role.Sandbox).OpenAsync(default);
        Assert.Equal(applied.Count, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM schema_migrations"));
        Assert.Equal(["0001_plane", "0002_api_keys", "0003_ledger", "0004_tiles", "0005_checkpoints", "0006_lean_delta_indexes", "0007_lean_deltas", "0008_delta_content_version", "0009_webhook_endpoints", "0011_customer_profiles", "0012_webhook_deliveries", "0013_records", "0014_ledger_reads", "0015_sparse_chains"], applied.Order(StringComparer.Ordinal));
        foreach (var s in stacks)
        {
            await s.DisposeAsync();
        }
    }

    public static TheoryData<string, string, string> BadBodies => new()
    {
        { "/dashboard/auth/login", "{\"email\":", "body" },
        { "/dashboard/auth/login", "{\"email\":\"a@example.com\"}", "password" },
        { "/dashboard/auth/login", "{\"email\":1,\"password\":\"x\"}", "email" },
        { "/dashboard/auth/request-access", "{\"name\":\"A\",\"email\":\"a@example.com\"}", "organization" },
        { "/dashboard/auth/request-access", "{\"name\":\"A\",\"email\":\"nope\",\"organization\":\"O\"}", "email" },
        { "/dashboard/auth/request-access", "{\"name\":[],\"email\":\"a@example.com\",\"organization\":\"O\"}", "name" },
        { "/dashboard/auth/resend-verification", "{}", "email" },
        { "/dashboard/auth/resend-verification", "not json", "body" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task PublicRoutes_BadBody_Return400NamingFieldAndChangeNothing(string path, string body, string field)
    {
        await using var c = await Stack.ControlDb.OpenAsync(default);
        var before = await c.ExecuteScalarAsync<long>("SELECT (SELECT COUNT(*) FROM access_requests) + (SELECT COUNT(*) FROM sessions)");

        var answer = await Api.SendAsync(HttpMethod.Post, path, rawBody: body);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("VALIDATION_ERROR", answer.Code);
        Assert.Contains(field, answer.DetailFields);
        Assert.Equal(before, await c.ExecuteScalarAsync<long>("SELECT (SELECT COUNT(*) FROM access_requests) + (SELECT COUNT(*) FROM sessions)"));
    }

    private static async Task<string> WaitForAsync(Func<string?> probe)
    {
        for (var i = 0; i < 200; i++)
        {
            if (probe() is { } value)
            {
                return value;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException("Nothing arrived.");
    }
}

public sealed class OperationsScenariosOnSqlite(SharedStacks shared) : OperationsScenarios(Store.Sqlite, null, shared);

[Collection(PostgresCollection.Name)]
public sealed class OperationsScenariosOnPostgres(PostgresServer postgres, SharedStacks shared) : OperationsScenarios(Store.Postgres, postgres, shared);
