using System.Net;
using System.Text.Json;
using Dapper;
using PacSpace.Cli;
using PacSpace.IntegrationTests.Infrastructure;

namespace PacSpace.IntegrationTests.Dashboard;

/// <summary>Provisioning under faults: a plane that is down, a worker that dies mid-activation, a forged internal call.</summary>
public abstract class ProvisioningFaultScenarios(Store store, PostgresServer? postgres) : StoreTests(store, postgres)
{
    public override Task InitializeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Activation_PlaneDown_StaysActivatingThenFailsWithReasonThenRetrySucceeds()
    {
        // The Sandbox plane's port is reserved but nothing listens until later.
        var stack = await StartStackAsync(o =>
        {
            o.Overrides["Provisioning:MaxAttempts"] = "4";
            o.Overrides["Provisioning:InitialBackoff"] = "00:00:00.200";
            o.Overrides["Provisioning:MaxBackoff"] = "00:00:00.400";
        }, roles: [Role.Production, Role.Dashboard]);
        var api = stack.Dashboard;
        var session = await api.SignUpAsync();

        var during = await api.GetAsync("/dashboard/environments/environment-status", session);
        Assert.Equal("activating", during.Data.GetProperty("sandbox").GetProperty("status").GetString());
        var v36During = await api.GetAsync($"/dashboard/contracts/{session.TenantId}/status", session);
        Assert.Equal("provisioning", v36During.Data.GetProperty("environments")[0].GetProperty("status").GetString());

        var failed = await api.WaitForStatusAsync(session, "sandbox", "failed", TimeSpan.FromSeconds(30));
        var reason = failed.GetProperty("error").GetString()!;
        Assert.Contains("Could not reach the sandbox plane", reason);
        Assert.Contains("4 attempts", reason);
        var v36Failed = await api.GetAsync($"/dashboard/contracts/{session.TenantId}/status", session);
        Assert.Equal("error", v36Failed.Data.GetProperty("environments")[0].GetProperty("status").GetString());
        // A failed Sandbox does not block Production.
        await api.PostAsync("/dashboard/billing/plan", new { tier = "pilot" }, session);
        Assert.Equal(HttpStatusCode.Accepted, (await api.PostAsync("/dashboard/environments/provision", new { environment = "production" }, session)).Status);
        await api.WaitForStatusAsync(session, "production", "active");
        Assert.Equal("failed", (await api.GetAsync("/dashboard/environments/environment-status", session)).Data.GetProperty("sandbox").GetProperty("status").GetString());

        await stack.StartAsync(Role.Sandbox);
        var retry = await api.PostAsync("/dashboard/environments/provision", new { environment = "sandbox" }, session);

        Assert.Equal(HttpStatusCode.Accepted, retry.Status);
        var active = await api.WaitForStatusAsync(session, "sandbox", "active");
        Assert.False(active.TryGetProperty("error", out _));
        await using var c = await stack.ControlDb.OpenAsync(default);
        var row = await c.QuerySingleAsync<(long Activations, string? LastError)>(
            "SELECT activations, last_error FROM environments WHERE tenant_id = @id AND environment = 'sandbox'", new { id = session.TenantId });
        Assert.Equal(2, row.Activations);
        Assert.Contains("Could not reach", row.LastError); // kept for support
    }

    [Fact]
    public async Task Activation_WorkerStoppedMidCall_AnotherWorkerFinishesWithExactlyOneLedger()
    {
        using var hang = new Blackhole();
        // The real planes, without a control plane yet.
        var planes = await StartStackAsync(roles: [Role.Sandbox, Role.Production]);
        // Worker A shares the control database but its Sandbox plane never answers.
        var a = await StartStackAsync(o =>
        {
            o.Overrides["Planes:Sandbox:InternalUrl"] = hang.Url;
            o.Overrides["Provisioning:RequestTimeout"] = "00:00:20";
            o.Overrides["Provisioning:LeaseDuration"] = "00:00:30";
        }, roles: [Role.Dashboard], shareDataWith: planes.DataDirectory, database: planes.Local.Options.Database);

        var email = DashboardApi.NewEmail();
        Assert.Equal(HttpStatusCode.Created, (await a.Dashboard.RegisterAsync(email)).Status);
        var tenantId = await WaitForLeaseAsync(planes, email);
        // The verification mail leaves after the answer (MailQueue), and a host that stops loses what it has not sent yet:
        // on a loaded machine that can still be this one.
        await a.Dashboard.VerificationLinkAsync(email);
        await a.StopAsync(Role.Dashboard); // dies mid-call: the lease stays behind

        // As if A had reached the plane before dying: the plane already holds the ledger.
        using var internalClient = planes.PlaneClient(Role.Sandbox);
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/internal/v1/tenants/{tenantId}");
        put.Headers.Add("X-PacSpace-Service-Secret", planes.ServiceSecret);
        using var first = await internalClient.SendAsync(put);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var firstKey = JsonDocument.Parse(await first.Content.ReadAsStringAsync()).RootElement.GetProperty("data").GetProperty("publicKey").GetString();

        // Worker B runs a clock a minute ahead, so A's 30 s lease has expired for it.
        planes.Local.Options.ConfigureServices = (_, services) => services.UseClock(new OffsetTimeProvider(TimeSpan.FromMinutes(1)));
        await planes.StartAsync(Role.Dashboard);

        await planes.Dashboard.VerifyEmailAsync(email);
        var session = await planes.Dashboard.LoginAsync(email);
        await planes.Dashboard.WaitForStatusAsync(session, "sandbox", "active");
        await using var control = await planes.ControlDb.OpenAsync(default);
        var row = await control.QuerySingleAsync<(long Attempts, long Activations, string PublicKey)>(
            "SELECT attempts, activations, plane_public_key FROM environments WHERE tenant_id = @tenantId AND environment = 'sandbox'", new { tenantId });
        Assert.Equal(2, row.Attempts);
        Assert.Equal(1, row.Activations);
        Assert.Equal(firstKey, row.PublicKey);
        await using var plane = await planes.PlaneDb(Role.Sandbox).OpenAsync(default);
        Assert.Equal(1L, await plane.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM tenant_ledgers WHERE tenant_id = @tenantId", new { tenantId }));
    }

    [Fact]
    public async Task InternalApi_WithoutOrWithWrongServiceSecret_Returns401AndCreatesNothing()
    {
        var stack = await StartStackAsync(roles: [Role.Sandbox, Role.Production]);
        const string tenantId = "tnt_01m83ngxpcew5rbj4zwhdqwsvp";
        foreach (var role in new[] { Role.Sandbox, Role.Production })
        {
            using var client = stack.PlaneClient(role);
            foreach (var secret in new string?[] { null, "", "wrong", stack.ServiceSecret + "x", stack.ServiceSecret[..^1] })
            {
                using var request = new HttpRequestMessage(HttpMethod.Put, $"/internal/v1/tenants/{tenantId}");
                if (secret is not null)
                {
                    request.Headers.Add("X-PacSpace-Service-Secret", secret);
                }

                using var response = await client.SendAsync(request);
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            }

            await using var db = await stack.PlaneDb(role).OpenAsync(default);
            Assert.Equal(0L, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM tenant_ledgers"));
        }
    }

    [Fact]
    public async Task InternalApi_PutTwice_ReturnsSameLedgerWithSignedEmptyHead()
    {
        var stack = await StartStackAsync(roles: [Role.Production]);
        using var client = stack.PlaneClient(Role.Production);
        const string tenantId = "tnt_01m83ngxpcew5rbj4zwhdqwsvp";

        async Task<(HttpStatusCode, JsonElement)> PutAsync(string id)
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, $"/internal/v1/tenants/{id}");
            request.Headers.Add("X-PacSpace-Service-Secret", stack.ServiceSecret);
            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, JsonDocument.Parse(body).RootElement.Clone());
        }

        var (s1, b1) = await PutAsync(tenantId);
        var (s2, b2) = await PutAsync(tenantId);
        var (s3, _) = await PutAsync("not-a-tenant");

        Assert.Equal(HttpStatusCode.Created, s1);
        Assert.Equal(HttpStatusCode.OK, s2);
        Assert.Equal(HttpStatusCode.BadRequest, s3);
        var d = b1.GetProperty("data");
        Assert.Equal(b1.GetProperty("data").GetRawText(), b2.GetProperty("data").GetRawText());
        Assert.Equal($"production.pacspace.local/{tenantId}/production", d.GetProperty("origin").GetString());
        Assert.Equal(0, d.GetProperty("treeSize").GetInt64());
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", d.GetProperty("rootHash").GetString());
        var publicKey = Convert.FromBase64String(d.GetProperty("publicKey").GetString()!);
        Assert.True(PacSpace.Ledger.SignedNote.Verify(d.GetProperty("checkpoint").GetString()!, d.GetProperty("origin").GetString()!, publicKey, out var noteBody));
        Assert.True(PacSpace.Ledger.Checkpoint.TryParse(noteBody!, out var checkpoint));
        Assert.Equal(0, checkpoint!.Size);
    }

    private static async Task<string> WaitForLeaseAsync(TestStack stack, string email)
    {
        await using var c = await stack.ControlDb.OpenAsync(default);
        for (var i = 0; i < 400; i++)
        {
            var row = await c.QuerySingleOrDefaultAsync<(string TenantId, string? Owner)?>(
                """
                SELECT e.tenant_id, e.lease_owner FROM environments e JOIN users u ON u.tenant_id = e.tenant_id
                WHERE u.email_normalized = @email AND e.environment = 'sandbox'
                """, new { email });
            if (row is { Owner: not null } r)
            {
                return r.TenantId;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException("Worker A never claimed the activation.");
    }
}

public sealed class ProvisioningFaultScenariosOnSqlite() : ProvisioningFaultScenarios(Store.Sqlite, null);

[Collection(PostgresCollection.Name)]
public sealed class ProvisioningFaultScenariosOnPostgres(PostgresServer postgres) : ProvisioningFaultScenarios(Store.Postgres, postgres);
